package dev.switchboard.roles.worker;

import dev.switchboard.adapters.http.HttpWebhookSender;
import dev.switchboard.adapters.http.OutboundGuard;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A job test's worker: the real PostgreSQL store and Redis, the queue the test enqueues on, an HTTP
 * client for the adapters it points at its fakes, and the {@link JobRunner}s it starts. What a
 * test is about (its queues, its concurrency, the collaborators it swaps in) stays in the test;
 * {@link #close()} stops the runners before it closes what they use.
 */
final class WorkerHarness implements AutoCloseable {
    /** A lease far above any test job's pauses; three expiries before a job counts as failed. */
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final int MAX_LEASE_EXPIRIES = 3;
    private static final Duration STOP_GRACE = Duration.ofMillis(200);

    final PostgresStore store;
    final RedisConnections connections;
    final HttpClient http;
    final JobQueue queue;
    private final List<JobRunner> runners = new ArrayList<>();

    /** Connects to the fixtures' servers; {@code storePoolSize} PostgreSQL connections. */
    WorkerHarness(PostgresFixture postgres, RedisFixture redis, int storePoolSize) {
        Clock clock = Clock.systemUTC();
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), storePoolSize, clock);
        try {
            connections = RedisConnections.connect(redis.url());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        queue = new RedisJobQueue(connections, clock);
    }

    /** {@link TestCollaborators} on this store and queue; {@code clock} is the jobs' business clock. */
    JobCollaborators.Builder collaborators(Clock clock) {
        return TestCollaborators.of(store, queue, clock);
    }

    /** Lets the adapters reach the fakes on loopback over plain http: the development policy. */
    OutboundGuard loopbackGuard() {
        return new OutboundGuard(new OutboundGuard.Policy(true, true), OutboundGuard.HostResolver.SYSTEM, http);
    }

    /** Webhook deliveries through {@link #loopbackGuard()}, each given two seconds. */
    HttpWebhookSender webhooks(Clock clock) {
        return new HttpWebhookSender(new HttpWebhookSender.Settings(Duration.ofSeconds(2)), loopbackGuard(), clock);
    }

    /**
     * Starts a worker named {@code workerName} claiming from {@code queues} in that order, running
     * {@code catalogue}'s jobs; Redis's lease clock is the system's whatever the jobs' clock is.
     */
    void start(String workerName, List<String> queues, int concurrency, JobCatalogue catalogue) {
        Clock clock = Clock.systemUTC();
        JobRunner runner = new JobRunner(new JobRunner.Settings(workerName, queues, concurrency, LEASE,
                MAX_LEASE_EXPIRIES),
                new RedisJobClaims(connections, clock), new RedisJobMaintenance(connections, clock),
                new RedisWorkerRegistry(connections, clock), catalogue);
        runners.add(runner);
        runner.start();
    }

    @Override
    public void close() {
        for (JobRunner runner : runners.reversed()) {
            runner.stop(STOP_GRACE);
        }
        http.close();
        connections.close();
        store.close();
    }
}
