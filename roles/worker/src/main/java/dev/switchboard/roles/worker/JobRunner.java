package dev.switchboard.roles.worker;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobCancelledException;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobMaintenance;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.Settlement;
import dev.switchboard.ports.out.TraceContext;
import dev.switchboard.ports.out.WorkerRegistry;
import dev.switchboard.roles.runtime.RoleThreads;

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
 *   <li>the <b>dispatcher</b> thread claims jobs for all free slots in one atomic call, queues
 *       in priority order, and blocks on Redis (no polling) when there is nothing to do;</li>
 *   <li>each job runs on its own virtual thread, at most {@code concurrency} at once, and every
 *       outcome is settled with the claim's lease token and logged with job_id, business_id and
 *       trace_id;</li>
 *   <li>the <b>supervisor</b> thread extends the leases of running jobs, interrupts jobs past
 *       their timeout (a failure, so the retry policy applies) and jobs that were cancelled or
 *       whose lease was lost, keeps the worker's registration fresh, and runs the maintenance
 *       every worker shares: requeue jobs of dead workers, promote due retries;</li>
 *   <li>{@link #stop} stops claiming, lets running jobs finish within the grace period, then
 *       returns what did not finish to the front of its queue.</li>
 * </ul>
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** Longest blocking wait: also bounds how late a job from a foreign producer is noticed. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration SUPERVISOR_TICK = Duration.ofMillis(100);
    private static final Duration MAINTENANCE_EVERY = Duration.ofSeconds(1);
    /** Most jobs claimed in one round trip. */
    private static final int MAX_BATCH = 32;

    /** How the runner behaves; see the README's configuration table. */
    public record Settings(String workerName, List<String> queues, int concurrency, Duration lease,
                           int maxLeaseExpiries) {
        public Settings {
            queues = List.copyOf(queues);
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1");
            }
            if (lease.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("lease must be at least 300 ms");
            }
        }

        /** Heartbeats three times per lease, and at least once a second. */
        Duration heartbeatEvery() {
            Duration third = lease.dividedBy(3);
            return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
        }
    }

    /** A job this worker is running. */
    private static final class Running {
        final ClaimedJob job;
        final Thread thread;
        final long startedNanos = System.nanoTime();
        final long deadlineNanos;
        volatile long lastHeartbeatNanos = System.nanoTime();
        volatile boolean timedOut;
        volatile boolean cancelRequested;
        volatile boolean leaseLost;
        /** Returned to its queue by {@link #stop}: whatever the attempt does now is discarded. */
        volatile boolean released;

        Running(ClaimedJob job, Thread thread) {
            this.job = job;
            this.thread = thread;
            this.deadlineNanos = startedNanos + job.timeout().toNanos();
        }
    }

    private final Settings settings;
    private final JobClaims claims;
    private final JobMaintenance maintenance;
    private final WorkerRegistry registry;
    private final JobHandlers handlers;
    private final Semaphore slots;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Thread dispatcher;
    private Thread supervisor;

    public JobRunner(Settings settings, JobClaims claims, JobMaintenance maintenance, WorkerRegistry registry,
                     JobHandlers handlers) {
        this.settings = settings;
        this.claims = claims;
        this.maintenance = maintenance;
        this.registry = registry;
        this.handlers = handlers;
        this.slots = new Semaphore(settings.concurrency());
    }

    public synchronized void start() {
        if (dispatcher != null) {
            return;
        }
        registry.register(settings.workerName(), settings.queues(), ProcessHandle.current().pid(),
                System.getenv().getOrDefault("HOSTNAME", "localhost"));
        supervisor = RoleThreads.start("sb-supervisor", this::supervise);
        dispatcher = RoleThreads.start("sb-dispatcher", this::dispatch);
        LOG.info("worker " + settings.workerName() + " serving " + settings.queues() + " with concurrency "
                + settings.concurrency() + ", lease " + settings.lease().toMillis() + " ms");
    }

    // ---- dispatcher ------------------------------------------------------------------------

    private void dispatch() {
        while (!stopping) {
            int permits;
            try {
                // Poll the stop flag rather than being interrupted: an interrupt in the middle of a
                // Redis call could lose the reply of a claim that did happen.
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                // Claim for every free slot at once (up to a batch): one round trip for many jobs.
                permits = 1 + slots.drainPermits();
                if (permits > MAX_BATCH) {
                    slots.release(permits - MAX_BATCH);
                    permits = MAX_BATCH;
                }
            } catch (InterruptedException e) {
                break;
            }
            int handedOver = 0;
            try {
                List<ClaimedJob> jobs = List.of();
                while (!stopping && jobs.isEmpty()) {
                    jobs = claims.claim(settings.workerName(), settings.queues(), settings.lease(), permits);
                    if (jobs.isEmpty() && !stopping) {
                        claims.awaitWork(settings.queues(), IDLE_WAIT);
                    }
                }
                for (ClaimedJob job : jobs) {
                    if (stopping) {
                        release(job);
                    } else {
                        startJob(job);
                        handedOver++;
                    }
                }
            } catch (JobStoreUnavailableException e) {
                if (!stopping) {
                    LOG.warning("Redis unavailable, retrying in 1 s: " + e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "dispatcher error, retrying in 1 s", e);
                sleep(Duration.ofSeconds(1));
            } finally {
                if (permits > handedOver) {
                    slots.release(permits - handedOver);
                }
            }
        }
    }

    /**
     * Running attempts are keyed by lease token, not job id: a timed-out or lease-lost attempt may
     * still be unwinding when the same job's next attempt starts on this worker.
     */
    private void startJob(ClaimedJob job) {
        Running[] self = new Running[1];
        Thread thread = Thread.ofVirtual().name("sb-job-" + job.id()).unstarted(() ->
                TraceContext.with(job.traceId(), job.businessId(), () -> {
                    runAndSettle(self[0]);
                    return null;
                }));
        self[0] = new Running(job, thread);
        running.put(job.leaseToken(), self[0]);
        thread.start();
    }

    private void runAndSettle(Running r) {
        ClaimedJob job = r.job;
        String tags = tags(job);
        boolean succeeded = false;
        try {
            LOG.info("job started " + tags);
            Optional<JobHandler> handler = handlers.handlerFor(job.name());
            if (handler.isEmpty()) {
                settle(r, claims.fail(job, "unknown job '" + job.name() + "'", ""), "failed: unknown job", tags);
                return;
            }
            Object result;
            try {
                result = handler.get().run(JobExecution.of(job, (percent, message) -> {
                    if (claims.progress(job, percent, message) == Settlement.LEASE_LOST) {
                        r.leaseLost = true;
                    }
                    if (r.cancelRequested) {
                        throw new JobCancelledException(job.id());
                    }
                }));
            } catch (JobCancelledException e) {
                r.cancelRequested = true;
                settle(r, uninterrupted(() -> claims.canceled(job)), "canceled", tags);
                return;
            } catch (Exception e) {
                if (r.timedOut || r.leaseLost || r.released) {
                    return; // the supervisor or stop() already settled or released it
                }
                if (r.cancelRequested) {
                    settle(r, uninterrupted(() -> claims.canceled(job)), "canceled", tags);
                    return;
                }
                settle(r, uninterrupted(() -> claims.fail(job, e.toString(), stackTrace(e))), "failed: " + e, tags);
                return;
            }
            if (r.timedOut || r.released) {
                LOG.warning("job returned after it was timed out or released; outcome discarded " + tags);
                return;
            }
            succeeded = settle(r, claims.complete(job, result), "succeeded in " + millis(r.startedNanos) + " ms", tags);
        } catch (JobStoreUnavailableException e) {
            // The lease will expire and the reaper requeues the job: at-least-once, nothing lost.
            LOG.warning("job outcome not recorded (Redis unavailable) " + tags + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "job outcome not recorded " + tags, e);
        } finally {
            running.remove(job.leaseToken(), r);
            slots.release();
            recordOutcome(succeeded, r);
        }
    }

    /**
     * Clears a pending interrupt (a cancel or lease-lost interrupt the handler re-asserted) before
     * the settling Redis call, which would otherwise fail at once.
     */
    private static <T> T uninterrupted(java.util.function.Supplier<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            return call.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean settle(Running r, Settlement settlement, String outcome, String tags) {
        if (settlement == Settlement.APPLIED) {
            // Failures (retried or final) are warnings: an operator filtering on WARN sees them.
            LOG.log(outcome.startsWith("failed") ? Level.WARNING : Level.INFO, "job " + outcome + " " + tags);
            return true;
        }
        LOG.warning("job " + outcome + " but its lease was lost; outcome discarded " + tags);
        return false;
    }

    private void recordOutcome(boolean succeeded, Running r) {
        try {
            registry.recordOutcome(settings.workerName(), succeeded, (System.nanoTime() - r.startedNanos) / 1e9);
        } catch (RuntimeException e) {
            LOG.fine(() -> "worker stats not recorded: " + e.getMessage());
        }
    }

    // ---- supervisor ------------------------------------------------------------------------

    private void supervise() {
        long nextMaintenance = 0;
        long nextRegistration = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long now = System.nanoTime();
                for (Running r : running.values()) {
                    if (!r.timedOut && now - r.deadlineNanos > 0) {
                        timeOut(r);
                    } else if (now - r.lastHeartbeatNanos >= settings.heartbeatEvery().toNanos()) {
                        heartbeat(r);
                    }
                }
                if (now - nextRegistration >= 0) {
                    if (!registry.heartbeat(settings.workerName(), running.values().stream().map(r -> r.job.id()).findFirst())) {
                        // The registration expired or Redis restarted: be born again, or rq info loses us.
                        registry.register(settings.workerName(), settings.queues(), ProcessHandle.current().pid(),
                                System.getenv().getOrDefault("HOSTNAME", "localhost"));
                    }
                    nextRegistration = now + MAINTENANCE_EVERY.toNanos();
                }
                if (now - nextMaintenance >= 0 && !stopping) {
                    maintenance.recoverExpiredLeases(settings.queues(), settings.maxLeaseExpiries());
                    maintenance.promoteDueJobs(settings.queues());
                    maintenance.pruneRegistries(settings.queues());
                    nextMaintenance = now + MAINTENANCE_EVERY.toNanos();
                }
            } catch (JobStoreUnavailableException e) {
                LOG.fine(() -> "supervisor: Redis unavailable: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "supervisor error", e);
            }
            if (!sleep(SUPERVISOR_TICK)) {
                return;
            }
        }
    }

    private void heartbeat(Running r) {
        Heartbeat beat = claims.heartbeat(r.job, settings.lease());
        r.lastHeartbeatNanos = System.nanoTime();
        if (beat == Heartbeat.LEASE_LOST && !r.leaseLost) {
            r.leaseLost = true;
            LOG.warning("job lease lost (it expired and the job was taken over); stopping it " + tags(r.job));
            r.thread.interrupt();
        } else if (beat == Heartbeat.CANCEL_REQUESTED && !r.cancelRequested) {
            r.cancelRequested = true;
            LOG.info("job cancel requested; interrupting it " + tags(r.job));
            r.thread.interrupt();
        }
    }

    private void timeOut(Running r) {
        r.timedOut = true;
        r.thread.interrupt();
        String error = "JobTimeoutException: job exceeded its timeout of " + r.job.timeout().toMillis() + " ms";
        settle(r, claims.fail(r.job, error, error), "failed: timed out after " + r.job.timeout().toMillis() + " ms",
                tags(r.job));
    }

    // ---- shutdown --------------------------------------------------------------------------

    /**
     * Stops claiming; waits up to {@code grace} for running jobs; interrupts and returns the rest
     * to the front of their queues; unregisters the worker.
     */
    public void stop(Duration grace) {
        stopping = true;
        Thread d;
        Thread s;
        synchronized (this) {
            d = dispatcher;
            s = supervisor;
        }
        if (d == null) {
            return;
        }
        // The dispatcher notices the flag within one idle wait (1 s) and hands back any job it
        // claimed meanwhile; it is interrupted only if it does not.
        join(d, IDLE_WAIT.plusSeconds(4));
        if (d.isAlive()) {
            d.interrupt();
            join(d, Duration.ofSeconds(2));
        }
        LOG.info("worker " + settings.workerName() + " stopping: " + running.size() + " job(s) running, grace "
                + grace.toMillis() + " ms");
        try {
            if (slots.tryAcquire(settings.concurrency(), grace.toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(settings.concurrency());
            } else {
                for (Running r : running.values()) {
                    // Release first: once the token is gone, nothing the interrupted attempt does can settle it.
                    r.released = true;
                    release(r.job);
                    r.thread.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.interrupt();
        join(s, Duration.ofSeconds(5));
        try {
            registry.unregister(settings.workerName(), settings.queues());
        } catch (RuntimeException e) {
            LOG.warning("could not unregister the worker (its registration expires): " + e.getMessage());
        }
        LOG.info("worker " + settings.workerName() + " stopped");
    }

    private void release(ClaimedJob job) {
        // A pending interrupt would make the Redis call fail at once; release first, restore after.
        boolean interrupted = Thread.interrupted();
        try {
            Settlement s = claims.release(job);
            LOG.info("job returned to the front of " + job.queue() + " (" + s + ") " + tags(job));
        } catch (RuntimeException e) {
            LOG.warning("could not return the job (its lease will expire) " + tags(job) + ": " + e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Jobs running now (for tests and diagnostics). */
    public int runningCount() {
        return running.size();
    }

    private static String tags(ClaimedJob job) {
        return "job_id=" + job.id() + " job=" + job.name() + " business_id=" + job.businessId()
                + " trace_id=" + job.traceId() + " attempt=" + job.attempt();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** @return false when interrupted */
    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
