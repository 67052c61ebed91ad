package dev.switchboard.roles.worker;

import dev.switchboard.ports.out.ClaimRequest;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobStoreUnavailableException;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The claim loop, on thread {@code sb-claim-loop}. Duties:
 * <ul>
 *   <li>claim jobs for all free slots in one atomic call (queues in priority order), and start
 *       an attempt for each; a busy worker rarely gets here, since a settling attempt claims the
 *       next job for its own slot;</li>
 *   <li>block on Redis (no polling) when there is nothing to do;</li>
 *   <li>repeat a claim whose reply was lost with the same claim id, so it returns the batch it
 *       took instead of taking another (a lost batch would sit leased and unheartbeated until its
 *       leases ran out);</li>
 *   <li>once the worker is stopping, claim nothing more, and give back a batch claimed meanwhile
 *       (its jobs never started, so nothing can overlap).</li>
 * </ul>
 */
final class ClaimLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ClaimLoop.class.getName());
    /** Longest blocking wait: also bounds how late a job from a foreign producer is noticed. */
    static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    /** Most jobs claimed in one round trip. */
    private static final int MAX_BATCH = 32;

    private final WorkerContext context;

    ClaimLoop(WorkerContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        RunningAttempts attempts = context.attempts();
        while (!attempts.stopping()) {
            int slots;
            try {
                // Poll the stop flag rather than being interrupted: an interrupt in the middle of a
                // Redis call would lose the reply of a claim that did happen.
                slots = attempts.acquireFree(Duration.ofMillis(100), MAX_BATCH);
            } catch (InterruptedException e) {
                break;
            }
            if (slots == 0) {
                continue;
            }
            int handedOver = 0;
            try {
                List<ClaimedJob> jobs = List.of();
                long sentNanos = 0;
                while (!attempts.stopping() && jobs.isEmpty()) {
                    ClaimRequest request = ClaimRequest.of(context.settings().workerName(), context.settings().queues(),
                            context.settings().lease(), slots);
                    sentNanos = System.nanoTime();
                    jobs = claim(request);
                    if (jobs.isEmpty() && !attempts.stopping()) {
                        context.claims().awaitWork(context.settings().queues(), IDLE_WAIT);
                    }
                }
                for (ClaimedJob job : jobs) {
                    if (attempts.stopping()) {
                        release(job);
                    } else {
                        new JobAttempt(job, sentNanos, context).start();
                        handedOver++;
                    }
                }
            } catch (JobStoreUnavailableException e) {
                if (!attempts.stopping()) {
                    LOG.warning("Redis unavailable, retrying in 1 s: " + e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "claim loop error, retrying in 1 s", e);
                sleep(Duration.ofSeconds(1));
            } finally {
                attempts.releaseSlots(slots - handedOver);
            }
        }
    }

    /**
     * Claims, repeating the same request (same claim id) through a Redis outage for as long as a
     * batch it may have taken is still leased; after that the reaper gives the batch back.
     */
    private List<ClaimedJob> claim(ClaimRequest request) {
        long giveUp = System.nanoTime() + context.settings().lease().toNanos();
        long backoffMillis = 50;
        while (true) {
            try {
                return context.claims().claim(request);
            } catch (JobStoreUnavailableException e) {
                if (System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                sleep(Duration.ofMillis(backoffMillis));
                backoffMillis = Math.min(500, backoffMillis * 2);
            }
        }
    }

    private void release(ClaimedJob job) {
        try {
            LOG.info("job returned to the front of " + job.queue() + " (claimed while stopping, never started: "
                    + context.claims().release(job) + ") job_id=" + job.id());
        } catch (RuntimeException e) {
            LOG.warning("could not return job_id=" + job.id() + " (its lease will expire): " + e.getMessage());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
