package dev.switchboard.roles.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way a thread-owning role starts a thread: named, and logging whatever kills it, so no
 * failure is invisible (Sidekiq's safe_thread). It also counts the threads it started that are
 * still running ({@link #running()}), so a role can prove in a test that every thread it started
 * has ended.
 *
 * <p>Long-lived loops (the worker's dispatcher and supervisor, the scheduler's tick loop) are
 * non-daemon platform threads: they are what keeps the process alive. Per-call realtime threads
 * are virtual ({@link #startVirtual}): hundreds of calls would otherwise hold hundreds of platform
 * stacks that mostly sleep. Whoever starts a thread joins it.
 */
public final class RoleThreads {
    private static final Logger LOG = Logger.getLogger(RoleThreads.class.getName());
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private RoleThreads() {
    }

    /** A non-daemon platform thread, for a loop that keeps its process alive. */
    public static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(false).start(counted(name, body));
    }

    /** A virtual thread, for short-lived or numerous work such as one call's audio loops. */
    public static Thread startVirtual(String name, Runnable body) {
        return Thread.ofVirtual().name(name).start(counted(name, body));
    }

    /** A JVM shutdown hook (SIGTERM, SIGINT): created here so every thread of a role is in one place. */
    public static void onShutdown(String name, Runnable body) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name(name).unstarted(body));
    }

    /** How many threads started here are still running (shutdown hooks not counted). */
    public static int running() {
        return RUNNING.get();
    }

    private static Runnable counted(String name, Runnable body) {
        RUNNING.incrementAndGet();
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "thread " + name + " died", t);
                throw t;
            } finally {
                RUNNING.decrementAndGet();
            }
        };
    }
}
