package dev.switchboard.roles.worker;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisConversationHistory;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import java.time.Clock;
import java.util.UUID;

/**
 * The worker role. Duties: run jobs from {@code RQ_QUEUES}, highest priority first, with
 * {@code WORKER_CONCURRENCY} at once, each under a lease of {@code WORKER_LEASE} kept alive by
 * heartbeats; recover the jobs of dead workers; on SIGTERM stop claiming, give running jobs
 * {@code WORKER_GRACE} to finish, and return the rest to their queues. Never: serve HTTP routes.
 */
public final class WorkerRole implements AutoCloseable {
    private final RedisConnections redis;
    private final JobRunner runner;
    private final RoleConfig config;

    private WorkerRole(RoleConfig config, RedisConnections redis, JobRunner runner) {
        this.config = config;
        this.redis = redis;
        this.runner = runner;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.WORKER, WorkerRole::startUntilShutdown);
    }

    /** Starts, and stops gracefully when the JVM is asked to exit (SIGTERM, SIGINT). */
    public static WorkerRole startUntilShutdown(RoleConfig config) {
        WorkerRole worker = start(config);
        RoleThreads.onShutdown("sb-worker-shutdown", worker::close);
        return worker;
    }

    public static WorkerRole start(RoleConfig config) {
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        Clock clock = Clock.systemUTC();
        JobRunner runner = new JobRunner(
                new JobRunner.Settings(workerName(), config.queues(), config.concurrency(), config.workerLease(),
                        config.maxLeaseExpiries()),
                new RedisJobClaims(redis, clock), new RedisJobMaintenance(redis, clock),
                new RedisWorkerRegistry(redis, clock), jobHandlers(redis, clock));
        runner.start();
        return new WorkerRole(config, redis, runner);
    }

    private static JobHandlers jobHandlers(RedisConnections redis, Clock clock) {
        return new DiagnosticJobs(new JobCatalogue(new RedisConversationHistory(redis, clock)));
    }

    /** Unique per process start, readable in {@code rq info}. */
    private static String workerName() {
        String host = dev.switchboard.roles.common.HostNames.current();
        return host + "." + ProcessHandle.current().pid() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        runner.stop(config.workerGrace());
        redis.close();
    }
}
