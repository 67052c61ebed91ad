package dev.switchboard.roles.worker;

import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.out.JobMaintenance;
import dev.switchboard.ports.out.WorkerRegistry;
import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The worker engine: starts its actors and stops them. Duties of each, in its own file:
 * <ul>
 *   <li>{@link ClaimLoop} claims jobs for free slots and starts a {@link JobAttempt} for each;</li>
 *   <li>{@link JobAttempt} runs one attempt and settles it (claiming the next job in the same
 *       call);</li>
 *   <li>{@link LeaseKeeper} extends the leases of all running attempts in one call per tick;</li>
 *   <li>{@link Watchdog} times attempts out and abandons those whose lease can no longer be
 *       trusted (a partition), before another worker could reclaim them;</li>
 *   <li>{@link Housekeeper} keeps the registration fresh and runs the shared maintenance.</li>
 * </ul>
 * {@link #stop} stops claiming, lets running jobs finish within the grace period, then interrupts
 * the rest and returns each to the front of its queue once its handler has returned, never
 * before: a job is never running here and elsewhere at once.
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** How long stopped attempts get to return after their interrupt before they are left behind. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

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

    private final WorkerContext context;
    private final JobMaintenance maintenance;
    private final WorkerRegistry registry;
    private final List<Thread> actors = new ArrayList<>();
    private Thread claimLoop;

    public JobRunner(Settings settings, JobClaims claims, JobMaintenance maintenance, WorkerRegistry registry,
                     JobHandlers handlers) {
        this.context = new WorkerContext(settings, claims, handlers, new RunningAttempts(settings.concurrency()));
        this.maintenance = maintenance;
        this.registry = registry;
    }

    public synchronized void start() {
        if (claimLoop != null) {
            return;
        }
        register();
        actors.add(RoleThreads.start("sb-lease-keeper", new LeaseKeeper(context)));
        actors.add(RoleThreads.start("sb-watchdog", new Watchdog(context)));
        actors.add(RoleThreads.start("sb-housekeeper", new Housekeeper(context, maintenance, registry, this::register)));
        claimLoop = RoleThreads.start("sb-claim-loop", new ClaimLoop(context));
        Settings settings = context.settings();
        LOG.info("worker " + settings.workerName() + " serving " + settings.queues() + " with concurrency "
                + settings.concurrency() + ", lease " + settings.lease().toMillis() + " ms");
    }

    private void register() {
        registry.register(context.settings().workerName(), context.settings().queues(), ProcessHandle.current().pid(),
                System.getenv().getOrDefault("HOSTNAME", "localhost"));
    }

    /**
     * Stops claiming; waits up to {@code grace} for running jobs; interrupts the rest and returns
     * each to the front of its queue once its handler has returned (up to {@link #STOP_WAIT}; one
     * that ignores its interrupt is left to its lease, which the reaper recovers after this
     * process is gone); unregisters the worker.
     */
    public void stop(Duration grace) {
        RunningAttempts attempts = context.attempts();
        attempts.stopping(true);
        Thread loop;
        synchronized (this) {
            loop = claimLoop;
        }
        if (loop == null) {
            return;
        }
        // The claim loop notices the flag within one idle wait and hands back any job it claimed
        // meanwhile; it is interrupted only if it does not.
        join(loop, ClaimLoop.IDLE_WAIT.plusSeconds(4));
        if (loop.isAlive()) {
            loop.interrupt();
            join(loop, Duration.ofSeconds(2));
        }
        Settings settings = context.settings();
        LOG.info("worker " + settings.workerName() + " stopping: " + attempts.size() + " job(s) running, grace "
                + grace.toMillis() + " ms");
        try {
            if (!attempts.awaitAllFree(grace)) {
                List<JobAttempt> stopped = new ArrayList<>();
                for (JobAttempt attempt : attempts.all()) {
                    if (attempt.stopForShutdown()) {
                        stopped.add(attempt);
                    }
                }
                long deadline = System.nanoTime() + STOP_WAIT.toNanos();
                for (JobAttempt attempt : stopped) {
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        attempt.join(Duration.ofNanos(left));
                    }
                    if (attempt.isAlive()) {
                        attempt.abandon("the worker is stopping and the job ignores its interrupt; its lease "
                                + "runs out and the reaper requeues it");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread actor : actors) {
            actor.interrupt();
        }
        for (Thread actor : actors) {
            join(actor, Duration.ofSeconds(5));
        }
        try {
            registry.unregister(settings.workerName(), settings.queues());
        } catch (RuntimeException e) {
            LOG.warning("could not unregister the worker (its registration expires): " + e.getMessage());
        }
        LOG.info("worker " + settings.workerName() + " stopped");
    }

    /** Jobs running now (for tests and diagnostics). */
    public int runningCount() {
        return context.attempts().size();
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
