package dev.switchboard.roles.worker;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watchdog, on thread {@code sb-watchdog}: the one actor that acts on time alone, and so
 * never talks to Redis (a call that hangs in a partition cannot delay it). Duties:
 * <ul>
 *   <li>time out attempts past their job's timeout (a failure, so the retry policy applies);</li>
 *   <li>abandon attempts whose lease can no longer be trusted, a safety margin before it could
 *       expire on Redis's clock and another worker reclaim the job: they are interrupted and
 *       record nothing. The margin is a quarter of the lease, so a handler that honours its
 *       interrupt has stopped before the job can run elsewhere.</li>
 * </ul>
 */
final class Watchdog implements Runnable {
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    private static final Duration TICK = Duration.ofMillis(25);

    private final WorkerContext context;

    Watchdog(WorkerContext context) {
        this.context = context;
    }

    /** How long before the lease's earliest possible expiry an attempt is abandoned. */
    static Duration margin(Duration lease) {
        return lease.dividedBy(4);
    }

    @Override
    public void run() {
        long margin = margin(context.settings().lease()).toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long now = System.nanoTime();
                for (JobAttempt attempt : context.attempts().all()) {
                    JobAttempt.State state = attempt.state();
                    if (!state.holdsLease()) {
                        continue;
                    }
                    if (now - (attempt.trustedUntilNanos() - margin) > 0) {
                        attempt.abandon("no heartbeat got through for too long; the lease may expire");
                    } else if (state == JobAttempt.State.RUNNING || state == JobAttempt.State.CANCEL_REQUESTED) {
                        if (now - attempt.deadlineNanos() > 0) {
                            attempt.timeOut();
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "watchdog error", e);
            }
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
