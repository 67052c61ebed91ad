package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;
import dev.switchboard.roles.runtime.RoleThreads;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The worker role. Duties: run jobs from {@code RQ_QUEUES}, highest priority first, with
 * {@code WORKER_CONCURRENCY} at once, each under a lease of {@code WORKER_LEASE} kept alive by
 * heartbeats; recover the jobs of dead workers; on SIGTERM stop claiming, give running jobs
 * {@code WORKER_GRACE} to finish, and return the rest to their queues. Never: serve HTTP routes.
 *
 * <p>Wiring, top to bottom: the external services' settings, the CRM store (PostgreSQL, migrated
 * at start), Redis, one outbound HTTP client, the job types' collaborators, the job runner.
 */
public final class WorkerRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkerRole.class.getName());

    private final RedisConnections redis;
    private final PostgresStore store;
    private final HttpClient http;
    private final JobRunner runner;
    private final RoleConfig config;

    private WorkerRole(RoleConfig config, RedisConnections redis, PostgresStore store, HttpClient http,
                       JobRunner runner) {
        this.config = config;
        this.redis = redis;
        this.store = store;
        this.http = http;
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
        return start(config, System.getenv());
    }

    /** As {@link #start(RoleConfig)}, reading the external services' settings from {@code environment}. */
    public static WorkerRole start(RoleConfig config, Map<String, String> environment) {
        WorkerIntegrations integrations = WorkerIntegrations.fromEnvironment(environment);
        DatabaseUrl databaseUrl = DatabaseUrl.parse(config.databaseUrl().orElseThrow(() -> new ConfigException(
                "DATABASE_URL must be set: the worker's jobs keep the CRM's records in PostgreSQL"
                        + " (./switchboard starts a private one when it is unset)")));
        Clock clock = Clock.systemUTC();
        PostgresStore store = PostgresStore.start(databaseUrl, config.databasePoolSize(), clock);
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        HttpClient http = httpClient();
        JobRunner runner = new JobRunner(
                new JobRunner.Settings(workerName(), config.queues(), config.concurrency(), config.workerLease(),
                        config.maxLeaseExpiries()),
                new RedisJobClaims(redis, clock), new RedisJobMaintenance(redis, clock),
                new RedisWorkerRegistry(redis, clock),
                jobHandlers(collaborators(config, redis, store, integrations, http, clock)));
        LOG.info("worker's services: " + integrations.describe());
        runner.start();
        return new WorkerRole(config, redis, store, http, runner);
    }

    private static JobCollaborators collaborators(RoleConfig config, RedisConnections redis, PostgresStore store,
                                                  WorkerIntegrations integrations, HttpClient http, Clock clock) {
        return new JobCollaborators(store.businesses(), store.leads(), store.messages(), store.whatsAppSessions(),
                integrations.chatModel(http), integrations.whatsAppGateway(http, clock),
                new RedisJobQueue(redis, clock, config.jobIdSecret()), clock);
    }

    private static JobHandlers jobHandlers(JobCollaborators collaborators) {
        return new DiagnosticJobs(new JobCatalogue(collaborators));
    }

    /** One client for every outbound call of this process; its requests run on virtual threads. */
    private static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Unique per process start, readable in {@code rq info}. */
    private static String workerName() {
        String host = dev.switchboard.roles.common.HostNames.current();
        return host + "." + ProcessHandle.current().pid() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        runner.stop(config.workerGrace());
        http.close();
        redis.close();
        store.close();
    }
}
