package dev.switchboard.roles.worker;

import dev.switchboard.ports.ClaimedJob;
import dev.switchboard.ports.JobClaims;
import dev.switchboard.ports.JobExecution;
import dev.switchboard.ports.JobHandler;
import dev.switchboard.ports.JobHandlers;
import dev.switchboard.ports.JobStoreUnavailableException;
import dev.switchboard.ports.Settlement;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Claims and runs jobs. Duties:
 * <ul>
 *   <li>one dispatcher thread claims a job whenever a slot is free, queues in priority order, and
 *       blocks on Redis (no polling) when there is nothing to do;</li>
 *   <li>each job runs on its own virtual thread, at most {@code concurrency} at once;</li>
 *   <li>every outcome is settled with the claim's lease token and logged with job_id,
 *       business_id and trace_id;</li>
 *   <li>{@link #stop} stops claiming, lets running jobs finish within the grace period, then
 *       returns what did not finish to the front of its queue.</li>
 * </ul>
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** Longest blocking wait: also bounds how late a job from a foreign producer is noticed. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    /** Without heartbeats yet, a lease must outlast the whole attempt. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(60);

    private final String workerName;
    private final List<String> queues;
    private final JobClaims claims;
    private final JobHandlers handlers;
    private final Semaphore slots;
    private final int concurrency;
    private final Map<ClaimedJob, Thread> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Thread dispatcher;

    public JobRunner(String workerName, List<String> queues, int concurrency, JobClaims claims, JobHandlers handlers) {
        this.workerName = workerName;
        this.queues = List.copyOf(queues);
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
        this.claims = claims;
        this.handlers = handlers;
    }

    public synchronized void start() {
        if (dispatcher == null) {
            dispatcher = RoleThreads.start("sb-dispatcher-" + workerName, this::dispatch);
            LOG.info("worker " + workerName + " serving " + queues + " with concurrency " + concurrency);
        }
    }

    private void dispatch() {
        while (!stopping) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                break;
            }
            boolean handedOver = false;
            try {
                Optional<ClaimedJob> job = Optional.empty();
                while (!stopping && job.isEmpty()) {
                    job = claims.claim(workerName, queues, LEASE_MARGIN);
                    if (job.isEmpty() && !stopping) {
                        claims.awaitWork(queues, IDLE_WAIT);
                    }
                }
                if (job.isPresent()) {
                    ClaimedJob claimed = job.get();
                    if (stopping) {
                        release(claimed);
                    } else {
                        Thread.ofVirtual().name("sb-job-" + claimed.id()).start(() -> runAndSettle(claimed));
                        handedOver = true;
                    }
                }
            } catch (JobStoreUnavailableException e) {
                LOG.warning("Redis unavailable, retrying in 1 s: " + e.getMessage());
                sleep(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "dispatcher error, retrying in 1 s", e);
                sleep(Duration.ofSeconds(1));
            } finally {
                if (!handedOver) {
                    slots.release();
                }
            }
        }
    }

    private void runAndSettle(ClaimedJob job) {
        running.put(job, Thread.currentThread());
        long started = System.nanoTime();
        String tags = "job_id=" + job.id() + " job=" + job.name() + " business_id=" + job.businessId()
                + " trace_id=" + job.traceId() + " attempt=" + job.attempt();
        try {
            LOG.info("job started " + tags);
            Optional<JobHandler> handler = handlers.handlerFor(job.name());
            if (handler.isEmpty()) {
                settle(job, claims.fail(job, "unknown job '" + job.name() + "'", ""), "failed (unknown job)", tags);
                return;
            }
            Object result;
            try {
                result = handler.get().run(JobExecution.of(job));
            } catch (Exception e) {
                if (stopping && Thread.currentThread().isInterrupted()) {
                    return; // stop() releases it
                }
                settle(job, claims.fail(job, e.toString(), stackTrace(e)), "failed: " + e, tags);
                return;
            }
            settle(job, claims.complete(job, result), "succeeded in " + millis(started) + " ms", tags);
        } catch (JobStoreUnavailableException e) {
            // The lease will expire and the reaper requeues the job: at-least-once, nothing lost.
            LOG.warning("job outcome not recorded (Redis unavailable) " + tags + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "job outcome not recorded " + tags, e);
        } finally {
            running.remove(job);
            slots.release();
        }
    }

    private static void settle(ClaimedJob job, Settlement settlement, String outcome, String tags) {
        if (settlement == Settlement.APPLIED) {
            LOG.info("job " + outcome + " " + tags);
        } else {
            LOG.warning("job " + outcome + " but its lease was lost; outcome discarded " + tags);
        }
    }

    /**
     * Stops claiming; waits up to {@code grace} for running jobs; interrupts and returns the rest
     * to the front of their queues.
     */
    public void stop(Duration grace) {
        stopping = true;
        Thread d;
        synchronized (this) {
            d = dispatcher;
        }
        if (d != null) {
            d.interrupt();
            join(d, Duration.ofSeconds(5));
        }
        LOG.info("worker " + workerName + " stopping: " + running.size() + " job(s) running, grace " + grace);
        try {
            if (!slots.tryAcquire(concurrency, grace.toMillis(), TimeUnit.MILLISECONDS)) {
                running.forEach((job, thread) -> {
                    thread.interrupt();
                    release(job);
                });
            } else {
                slots.release(concurrency);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("worker " + workerName + " stopped");
    }

    private void release(ClaimedJob job) {
        try {
            Settlement s = claims.release(job);
            LOG.info("job returned to the front of " + job.queue() + " (" + s + ") job_id=" + job.id()
                    + " business_id=" + job.businessId() + " trace_id=" + job.traceId());
        } catch (RuntimeException e) {
            LOG.warning("could not return job_id=" + job.id() + " (its lease will expire): " + e.getMessage());
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
