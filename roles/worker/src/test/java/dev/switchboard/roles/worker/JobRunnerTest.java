package dev.switchboard.roles.worker;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobAdministration;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker engine against a real Redis: retries, timeouts, cancel, recovery, shutdown. */
class JobRunnerTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
    private RedisConnections connections;
    private RedisJobQueue queue;
    private JobRunner runner;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        queue = new RedisJobQueue(connections, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (runner != null) {
            runner.stop(Duration.ofMillis(100));
        }
        connections.close();
    }

    private void startRunner(int concurrency) {
        Clock clock = Clock.systemUTC();
        JobHandlers catalogue = new JobHandlers() {
            @Override
            public Optional<JobHandler> handlerFor(String jobName) {
                return Optional.ofNullable(handlers.get(jobName));
            }

            @Override
            public Set<String> jobNames() {
                return handlers.keySet();
            }
        };
        runner = new JobRunner(new JobRunner.Settings("test-worker", List.of("high", "default"), concurrency,
                Duration.ofMillis(900), 3),
                new RedisJobClaims(connections, clock), new RedisJobMaintenance(connections, clock),
                new RedisWorkerRegistry(connections, clock), catalogue);
        runner.start();
    }

    private String enqueue(JobRequest request) {
        return queue.enqueue(request).jobId();
    }

    private static JobRequest job(String name, String business) {
        return JobRequest.of(name, "default", Map.of(), business, "trace");
    }

    private static String status(String id) {
        return redis.commands().hget("rq:job:" + id, "status");
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Heartbeats race the settling calls: a heartbeat that reaches Redis after a job's settling
     * call is told "lease lost" for it. That must not abandon the settling attempt, or the job its
     * call claimed next sits leased, unrun, until the lease expires and another attempt reruns it
     * (found by the conversation benchmark: 30 s stalls and reruns).
     */
    @Test
    void heartbeatsRacingSettlementsRunEveryJobOnceWithoutStalls() throws Exception {
        java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> runs =
                new java.util.concurrent.ConcurrentHashMap<>();
        handlers.put("quick_job", job -> {
            runs.computeIfAbsent(job.jobId(), id -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            Thread.sleep(2);
            return null;
        });
        List<String> abandoned = new CopyOnWriteArrayList<>();
        java.util.logging.Logger attempts = java.util.logging.Logger.getLogger(JobAttempt.class.getName());
        java.util.logging.Handler watch = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("abandoned")) {
                    abandoned.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        attempts.addHandler(watch);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            ids.add(enqueue(job("quick_job", "b")));
        }
        startRunner(8);
        await("every job finished", Duration.ofSeconds(60),
                () -> redis.commands().zcard("rq:finished:default") == ids.size());
        attempts.removeHandler(watch);
        for (String id : ids) {
            assertEquals(1, runs.get(id).get(), "job " + id + " ran once");
        }
        assertEquals(List.of(), abandoned, "no attempt abandoned: every lease was held");
    }

    @Test
    void retriesFollowTheIntervalList() throws Exception {
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        handlers.put("flaky_job", job -> {
            attempts.add(Instant.now());
            throw new IllegalStateException("attempt " + job.attempt() + " fails");
        });
        String id = enqueue(job("flaky_job", "b").withRetry(RetryPolicy.of(2, Duration.ofSeconds(1), Duration.ofSeconds(2))));
        startRunner(2);

        await("the job to fail for good", Duration.ofSeconds(15), () -> "failed".equals(status(id)));

        assertEquals(3, attempts.size(), "one attempt and two retries");
        long firstGap = Duration.between(attempts.get(0), attempts.get(1)).toMillis();
        long secondGap = Duration.between(attempts.get(1), attempts.get(2)).toMillis();
        assertTrue(firstGap >= 900 && firstGap < 3000, "first retry after ~1 s, was " + firstGap + " ms");
        assertTrue(secondGap >= 1900 && secondGap < 4000, "second retry after ~2 s, was " + secondGap + " ms");
        assertEquals(1L, redis.commands().zcard("rq:failed:default"));
        assertTrue(new String(dev.switchboard.testsupport.Zlib.inflate(
                redis.binaryCommands().hget("rq:job:" + id, "exc_info"))).contains("attempt 3 fails"));
    }

    @Test
    void timedOutJobIsInterruptedAndRetried() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        handlers.put("slow_job", job -> {
            attempts.add(job.attempt());
            if (job.attempt() == 1) {
                Thread.sleep(30_000);
            }
            return "done";
        });
        String id = enqueue(job("slow_job", "b").withTimeout(Duration.ofSeconds(1))
                .withRetry(RetryPolicy.of(1, Duration.ZERO)));
        startRunner(1);

        await("the retried job to finish", Duration.ofSeconds(15), () -> "finished".equals(status(id)));

        assertEquals(List.of(1, 2), attempts);
        assertTrue(new String(dev.switchboard.testsupport.Zlib.inflate(
                redis.binaryCommands().hget("rq:job:" + id, "exc_info"))).contains("JobTimeoutException"));
    }

    @Test
    void cancelByRunStopsEveryJobOfTheRunAndNoneOfAnotherBusiness() throws Exception {
        handlers.put("step_job", job -> {
            for (int i = 1; i <= 300; i++) {
                Thread.sleep(20);
                job.progress().report(i / 3, "step " + i);
            }
            return "done";
        });
        String running = enqueue(job("step_job", "biz-a").withRunId("run-1"));
        String queuedA = enqueue(job("step_job", "biz-a").withRunId("run-1"));
        String queuedB = enqueue(job("step_job", "biz-b").withRunId("run-1").withTimeout(Duration.ofSeconds(30)));
        startRunner(1);
        await("the first job to run", Duration.ofSeconds(10), () -> "started".equals(status(running)));

        int affected = new RedisJobAdministration(connections, Clock.systemUTC()).cancelRun("biz-a", "run-1");

        assertEquals(2, affected);
        assertEquals("canceled", status(queuedA), "a queued job of the run is canceled at once");
        await("the running job to stop", Duration.ofSeconds(10), () -> "canceled".equals(status(running)));
        await("the other business's job to finish", Duration.ofSeconds(20), () -> "finished".equals(status(queuedB)));
        assertEquals(2L, redis.commands().zcard("rq:canceled:default"));
    }

    @Test
    void progressIsVisibleWhileTheJobRunsAndNeverGoesBack() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        handlers.put("progress_job", job -> {
            job.progress().report(40, "forty");
            job.progress().report(10, "ten (ignored for the percent)");
            seen.add(redis.commands().hget("rq:job:" + job.jobId(), "progress"));
            job.progress().report(100, "done");
            return null;
        });
        String id = enqueue(job("progress_job", "b"));
        startRunner(1);
        await("finish", Duration.ofSeconds(10), () -> "finished".equals(status(id)));
        assertEquals(List.of("40"), seen);
        assertEquals("100", redis.commands().hget("rq:job:" + id, "progress"));
    }

    @Test
    void jobOfADeadWorkerIsRecoveredAndFinished() throws Exception {
        handlers.put("quick_job", job -> "ok");
        String id = enqueue(job("quick_job", "b"));
        // A worker claims it with a short lease and dies: no heartbeat, no settlement.
        ClaimedJob orphan = new RedisJobClaims(connections, Clock.systemUTC())
                .claim("dead-worker", List.of("default"), Duration.ofMillis(300)).orElseThrow();
        assertEquals(id, orphan.id());

        startRunner(1);

        await("the orphan to be recovered and finished", Duration.ofSeconds(10), () -> "finished".equals(status(id)));
        assertEquals("1", redis.commands().hget("rq:job:" + id, "lease_expiries"));
        assertEquals("2", redis.commands().hget("rq:job:" + id, "attempts"));
    }

    @Test
    void gracefulStopReturnsUnfinishedJobsToTheFrontOfTheQueue() throws Exception {
        handlers.put("long_job", job -> {
            Thread.sleep(60_000);
            return null;
        });
        String first = enqueue(job("long_job", "b"));
        String second = enqueue(job("long_job", "b"));
        startRunner(1);
        await("the first job to run", Duration.ofSeconds(10), () -> "started".equals(status(first)));

        runner.stop(Duration.ofMillis(300));
        runner = null;

        assertEquals("queued", status(first));
        assertEquals(List.of(first, second), redis.commands().lrange("rq:queue:default", 0, -1));
        assertEquals(0L, redis.commands().zcard("rq:wip:default"));
        assertTrue(redis.commands().smembers("rq:workers").isEmpty(), "the worker unregistered");
    }

    @Test
    void workerIsRegisteredWherePythonRqLooks() throws Exception {
        startRunner(1);
        await("registration", Duration.ofSeconds(5), () -> redis.commands().exists("rq:worker:test-worker") == 1);
        Map<String, String> hash = redis.commands().hgetall("rq:worker:test-worker");
        assertEquals("high,default", hash.get("queues"));
        assertEquals("idle", hash.get("state"));
        assertTrue(redis.commands().smembers("rq:workers").contains("rq:worker:test-worker"));
        assertTrue(redis.commands().smembers("rq:workers:default").contains("rq:worker:test-worker"));
        assertTrue(redis.commands().ttl("rq:worker:test-worker") > 0, "a dead worker's registration expires");
    }

    @Test
    void permanentJobFailureGoesStraightToTheFailedRegistryEvenAsACause() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        handlers.put("refused_job", job -> {
            attempts.add(job.attempt());
            throw new IllegalStateException("gateway said no",
                    dev.switchboard.ports.in.JobFailure.permanent("message refused as invalid", null));
        });
        String id = enqueue(job("refused_job", "b").withRetry(RetryPolicy.of(3, Duration.ZERO)));
        startRunner(1);

        await("the job to fail", Duration.ofSeconds(10), () -> "failed".equals(status(id)));
        Thread.sleep(1500);
        assertEquals(List.of(1), attempts, "no retry, though three were left");
        assertTrue(new String(dev.switchboard.testsupport.Zlib.inflate(
                redis.binaryCommands().hget("rq:job:" + id, "exc_info"))).contains("message refused as invalid"));
        assertEquals(1L, redis.commands().zcard("rq:failed:default"));
    }

    @Test
    void retryAfterJobFailureWaitsAtLeastItsDelay() throws Exception {
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        handlers.put("throttled_job", job -> {
            attempts.add(Instant.now());
            if (job.attempt() == 1) {
                throw dev.switchboard.ports.in.JobFailure.retryAfter("429 Too Many Requests", null,
                        Optional.of(Duration.ofSeconds(3)));
            }
            return "sent";
        });
        String id = enqueue(job("throttled_job", "b").withRetry(RetryPolicy.of(2, Duration.ZERO)));
        startRunner(1);

        await("the retried job to finish", Duration.ofSeconds(15), () -> "finished".equals(status(id)));
        long gap = Duration.between(attempts.get(0), attempts.get(1)).toMillis();
        assertTrue(gap >= 2900, "waited the asked 3 s, not the policy's 0, was " + gap + " ms");
        assertEquals("1", redis.commands().hget("rq:job:" + id, "retries_left"), "an ordinary retry under the policy");
    }
}
