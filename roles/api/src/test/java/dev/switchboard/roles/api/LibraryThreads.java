package dev.switchboard.roles.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The allow-list of the api role's runtime thread census: threads that libraries start for their
 * own I/O. They are infrastructure, not background work (docs/architecture.md, "The thread rule"). Anything else that
 * appears in a running api process fails {@link ApiThreadCensusTest}. Keep one entry per
 * library thread family, each with the reason it may exist.
 */
final class LibraryThreads {
    static final List<Pattern> ALLOWED = List.of(
            // Helidon WebServer: the accept loop of each listener.
            Pattern.compile("server-@default-listener"),
            Pattern.compile("server-\\d+-listener.*"),
            // Helidon: refreshes the cached HTTP Date header once a second.
            Pattern.compile("helidon-http-timer"),
            // Helidon: closes idle keep-alive connections.
            Pattern.compile("helidon-idle-connection-timer"),
            // Helidon: its JVM shutdown hook thread (exists only while the JVM exits).
            Pattern.compile("helidon-shutdown-thread"),
            // Carrier threads of the JDK's virtual-thread scheduler (Helidon runs each request on
            // a virtual thread; carriers are platform threads of the JDK's ForkJoinPool).
            Pattern.compile("ForkJoinPool-\\d+-worker-\\d+"),
            // JDK 25: the virtual-thread scheduler's timer (timed parks of request threads).
            Pattern.compile("ForkJoinPool-\\d+-delayScheduler"),
            // JDK: the I/O poller that parks virtual threads on sockets instead of blocking carriers.
            Pattern.compile("(Master|Read|Write)Poller(-\\d+)?"),
            // JDK: unparks sleeping virtual threads (Thread.sleep, timed waits on request threads).
            Pattern.compile("VirtualThread-unparker"),
            Pattern.compile("VirtualThread-unblocker"),
            // Lettuce: Netty event loops doing Redis I/O.
            Pattern.compile("lettuce-(nio|epoll|kqueue|io_uring)EventLoop-\\d+-\\d+"),
            // Lettuce: command and reconnect timeouts (a Netty HashedWheelTimer).
            Pattern.compile("lettuce-timer-\\d+-\\d+"),
            // Lettuce: computation threads for reactive callbacks (its EventExecutorGroup).
            Pattern.compile("lettuce-eventExecutorLoop-\\d+-\\d+"),
            // Netty: its global executor (used by Lettuce for DNS and closing channels).
            Pattern.compile("globalEventExecutor-\\d+-\\d+"),
            // Netty: releases pooled buffers of finished threads.
            Pattern.compile("ObjectCleanerThread"),
            // JDK: Cleaner for direct buffers used by Netty and the HTTP stack.
            Pattern.compile("Common-Cleaner"),
            // JDK: attach/JMX and signal dispatch that a JVM may start on demand.
            Pattern.compile("Attach Listener"),
            Pattern.compile("process reaper"),
            // HikariCP (the CRM store's pool, when DATABASE_URL is set): keeps the pool's size and
            // retires old connections; its adder/closer threads come and go with connections.
            Pattern.compile("switchboard-postgres (housekeeper|connection adder|connection closer)"),
            // The PostgreSQL driver's cleaner of abandoned connections (java.lang.ref.Cleaner).
            Pattern.compile("PostgreSQL-JDBC-Cleaner"));

    private LibraryThreads() {
    }

    static boolean allowed(String threadName) {
        return ALLOWED.stream().anyMatch(p -> p.matcher(threadName).matches());
    }
}
