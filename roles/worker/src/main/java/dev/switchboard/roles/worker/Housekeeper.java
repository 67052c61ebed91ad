package dev.switchboard.roles.worker;

import dev.switchboard.ports.out.JobMaintenance;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.WorkerRegistry;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The housekeeper, on thread {@code sb-housekeeper}, once a second. Duties:
 * <ul>
 *   <li>keep the worker's python-rq registration fresh (state, current job, running totals), and
 *       register again when it expired or Redis restarted, or {@code rq info} loses the worker;</li>
 *   <li>run the maintenance every worker shares, in one call: requeue jobs of dead workers,
 *       promote due retries, prune registries and the worker sets.</li>
 * </ul>
 */
final class Housekeeper implements Runnable {
    private static final Logger LOG = Logger.getLogger(Housekeeper.class.getName());
    static final Duration EVERY = Duration.ofSeconds(1);

    private final WorkerContext context;
    private final JobMaintenance maintenance;
    private final WorkerRegistry registry;
    private final Runnable register;

    Housekeeper(WorkerContext context, JobMaintenance maintenance, WorkerRegistry registry, Runnable register) {
        this.context = context;
        this.maintenance = maintenance;
        this.registry = registry;
        this.register = register;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                RunningAttempts attempts = context.attempts();
                Optional<String> current = attempts.all().stream().map(a -> a.job().id()).findFirst();
                if (!registry.heartbeat(context.settings().workerName(), current, attempts.succeeded(),
                        attempts.failed(), attempts.workingSeconds())) {
                    register.run();
                }
                if (!attempts.stopping()) {
                    maintenance.maintain(context.settings().queues(), context.settings().maxLeaseExpiries());
                }
            } catch (JobStoreUnavailableException e) {
                LOG.fine(() -> "housekeeping: Redis unavailable: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "housekeeping error", e);
            }
            try {
                Thread.sleep(EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
