package dev.switchboard.roles.scheduler;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way this role starts a thread: named, and logging whatever kills it, so no failure is
 * invisible (Sidekiq's safe_thread). The scheduler has exactly two: its loop and its shutdown hook.
 */
final class RoleThreads {
    private static final Logger LOG = Logger.getLogger(RoleThreads.class.getName());

    private RoleThreads() {
    }

    /** A non-daemon thread: the loop is what keeps a scheduler process alive. */
    static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(false).start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "thread " + name + " died", t);
                throw t;
            }
        });
    }

    /** A JVM shutdown hook (SIGTERM, SIGINT). */
    static void onShutdown(String name, Runnable body) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name(name).unstarted(body));
    }
}
