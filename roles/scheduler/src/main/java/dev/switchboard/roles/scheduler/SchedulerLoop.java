package dev.switchboard.roles.scheduler;

import dev.switchboard.domain.PeriodicScheduler;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scheduler's loop, the role's one long-lived actor. Duties:
 * <ul>
 *   <li>run one {@link PeriodicScheduler#tick() cycle} every tick, paced on the monotonic clock
 *       so wall-clock jumps neither bunch nor stall ticks; a cycle that overruns skips the ticks
 *       it missed instead of firing them back to back;</li>
 *   <li>survive a Redis outage or an unexpected error in a cycle: log it and try again at the
 *       next tick (the lease then tells whether this process still leads);</li>
 *   <li>on {@link #stop}, end the cycle in flight before its next enqueue and tick no more, so
 *       the lease can be handed over at once.</li>
 * </ul>
 */
final class SchedulerLoop {
    private static final Logger LOG = Logger.getLogger(SchedulerLoop.class.getName());

    private final PeriodicScheduler scheduler;
    private final long tickNanos;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private Thread thread;

    SchedulerLoop(PeriodicScheduler scheduler, Duration tick) {
        this.scheduler = scheduler;
        this.tickNanos = tick.toNanos();
    }

    synchronized void start() {
        if (thread == null) {
            thread = RoleThreads.start("sb-scheduler", this::run);
        }
    }

    private void run() {
        long next = System.nanoTime();
        while (stopping.getCount() > 0) {
            cycle();
            next += tickNanos;
            long now = System.nanoTime();
            if (next - now < 0) {
                next += ((now - next) / tickNanos + 1) * tickNanos;
            }
            try {
                if (stopping.await(next - now, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void cycle() {
        try {
            scheduler.tick();
        } catch (JobStoreUnavailableException e) {
            LOG.warning("Redis unavailable, trying again next tick: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "scheduler cycle failed, trying again next tick", e);
        }
    }

    /**
     * Stops ticking: the cycle in flight stops before its next enqueue ({@link PeriodicScheduler#stop()});
     * waits up to {@code timeout} for it.
     *
     * @return true when the loop has ended
     */
    boolean stop(Duration timeout) {
        scheduler.stop();
        stopping.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return true;
        }
        try {
            t.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }
}
