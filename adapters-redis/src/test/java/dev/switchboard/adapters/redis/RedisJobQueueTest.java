package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.Settlement;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisJobQueueTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private RedisConnections connections;
    private RedisJobQueue queue;
    private RedisJobClaims claims;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        queue = new RedisJobQueue(connections, Clock.systemUTC());
        claims = new RedisJobClaims(connections, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        connections.close();
    }

    private static JobRequest job(String businessId) {
        return JobRequest.of("webhook_process_job", "default", Map.of("n", 1), businessId, "trace-1");
    }

    @Test
    void enqueueWritesPythonRqLayout() {
        EnqueueResult result = queue.enqueue(job("biz-1"));

        assertInstanceOf(EnqueueResult.Enqueued.class, result);
        var r = redis.commands();
        assertEquals(List.of(result.jobId()), r.lrange("rq:queue:default", 0, -1));
        assertTrue(r.smembers("rq:queues").contains("rq:queue:default"));
        Map<String, String> hash = r.hgetall("rq:job:" + result.jobId());
        assertEquals("queued", hash.get("status"));
        assertEquals("default", hash.get("origin"));
        assertEquals("biz-1", hash.get("business_id"));
        assertEquals("trace-1", hash.get("trace_id"));
        assertEquals("180", hash.get("timeout"));
        assertTrue(hash.get("enqueued_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
                hash.get("enqueued_at"));
    }

    @Test
    void dataFieldIsZlibJsonInRqSerializerShape() throws Exception {
        EnqueueResult result = queue.enqueue(job("biz-1"));
        byte[] data = connections.commands().hget("rq:job:" + result.jobId(), "data");

        assertEquals(0x78, data[0] & 0xff, "zlib header");
        String json = new String(RqFormat.inflateOrRaw(data), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("[\"switchboard.jobs.webhook_process_job\",null,[],{\"n\":1}]", json);
    }

    @Test
    void sameDedupeKeyYieldsOneJob() {
        JobRequest request = job("biz-1").withDedupe("webhook:baileys:m1", Duration.ofMinutes(10));

        EnqueueResult first = queue.enqueue(request);
        EnqueueResult second = queue.enqueue(request);

        assertInstanceOf(EnqueueResult.Enqueued.class, first);
        assertInstanceOf(EnqueueResult.Duplicate.class, second);
        assertEquals(first.jobId(), second.jobId());
        assertEquals(1L, redis.commands().llen("rq:queue:default"));
        assertEquals(first.jobId(), redis.commands().get("job_lock:webhook:baileys:m1"));
        long ttl = redis.commands().pttl("job_lock:webhook:baileys:m1");
        assertTrue(ttl > 590_000 && ttl <= 600_000, "dedupe TTL " + ttl);
    }

    @Test
    void existingDeterministicJobIdIsADuplicate() {
        assertInstanceOf(EnqueueResult.Enqueued.class, queue.enqueue(job("b").withJobId("fixed-1")));
        assertInstanceOf(EnqueueResult.Duplicate.class, queue.enqueue(job("b").withJobId("fixed-1")));
        assertEquals(1L, redis.commands().llen("rq:queue:default"));
    }

    @Test
    void claimMovesJobToStartedRegistryWithLease() {
        String id = queue.enqueue(job("biz-1")).jobId();

        Optional<ClaimedJob> claimed = claims.claim("w1", List.of("high", "default"), Duration.ofSeconds(30));

        assertTrue(claimed.isPresent());
        assertEquals(id, claimed.get().id());
        assertEquals("webhook_process_job", claimed.get().name());
        assertEquals(Map.of("n", 1), claimed.get().kwargs());
        assertEquals("biz-1", claimed.get().businessId());
        assertEquals(1, claimed.get().attempt());
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
        Double deadline = redis.commands().zscore("rq:wip:default", id);
        double now = System.currentTimeMillis() / 1000.0;
        assertTrue(deadline > now + 25 && deadline <= now + 31, "lease deadline " + deadline);
        assertEquals("started", redis.commands().hget("rq:job:" + id, "status"));
        assertEquals("w1", redis.commands().hget("rq:job:" + id, "worker_name"));
    }

    @Test
    void claimServesQueuesInTheOrderGiven() {
        String low = queue.enqueue(JobRequest.of("a_job", "low", Map.of(), "b", "t")).jobId();
        String high = queue.enqueue(JobRequest.of("a_job", "high", Map.of(), "b", "t")).jobId();

        List<String> order = List.of("high", "default", "low");
        assertEquals(high, claims.claim("w", order, Duration.ofSeconds(5)).orElseThrow().id());
        assertEquals(low, claims.claim("w", order, Duration.ofSeconds(5)).orElseThrow().id());
        assertTrue(claims.claim("w", order, Duration.ofSeconds(5)).isEmpty());
    }

    @Test
    void completeFinishesTheJob() {
        String id = queue.enqueue(job("biz-1")).jobId();
        ClaimedJob claimed = claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();

        assertEquals(Settlement.APPLIED, claims.complete(claimed, Map.of("ok", true)));

        var r = redis.commands();
        assertEquals("finished", r.hget("rq:job:" + id, "status"));
        assertFalse(r.hget("rq:job:" + id, "ended_at").isEmpty());
        assertEquals(0L, r.zcard("rq:wip:default"));
        assertEquals(1L, r.zcard("rq:finished:default"));
        long ttl = r.ttl("rq:job:" + id);
        assertTrue(ttl > 490 && ttl <= 500, "result ttl " + ttl);
        assertEquals(1L, r.xlen("rq:results:" + id));
    }

    @Test
    void staleLeaseTokenCannotCompleteTheJob() {
        queue.enqueue(job("biz-1"));
        ClaimedJob claimed = claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        ClaimedJob impostor = new ClaimedJob(claimed.id(), claimed.name(), claimed.queue(), claimed.kwargs(),
                claimed.businessId(), claimed.traceId(), claimed.runId(), "not-the-token", 1, claimed.timeout());

        assertEquals(Settlement.LEASE_LOST, claims.complete(impostor, null));
        assertEquals("started", redis.commands().hget("rq:job:" + claimed.id(), "status"));
        assertEquals(Settlement.APPLIED, claims.complete(claimed, null));
        assertEquals(Settlement.LEASE_LOST, claims.complete(claimed, null), "a settled job cannot be settled twice");
    }

    @Test
    void failWithoutRetriesLandsInFailedRegistry() {
        String id = queue.enqueue(job("biz-1")).jobId();
        ClaimedJob claimed = claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();

        assertEquals(Settlement.APPLIED, claims.fail(claimed, "boom", "java.lang.RuntimeException: boom"));

        assertEquals("failed", redis.commands().hget("rq:job:" + id, "status"));
        assertEquals(1L, redis.commands().zcard("rq:failed:default"));
        assertEquals(0L, redis.commands().zcard("rq:wip:default"));
    }

    @Test
    void failWithRetriesSchedulesTheFirstInterval() {
        String id = queue.enqueue(job("biz-1").withRetry(RetryPolicy.of(2, Duration.ofSeconds(10),
                Duration.ofSeconds(30)))).jobId();
        ClaimedJob claimed = claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();

        claims.fail(claimed, "boom", "trace");

        assertEquals("scheduled", redis.commands().hget("rq:job:" + id, "status"));
        assertEquals("1", redis.commands().hget("rq:job:" + id, "retries_left"));
        double due = redis.commands().zscore("rq:scheduled:default", id);
        double now = System.currentTimeMillis() / 1000.0;
        assertTrue(due > now + 8 && due <= now + 10.5, "due " + due);
    }

    @Test
    void releasePutsTheJobBackAtTheFront() {
        String first = queue.enqueue(job("b")).jobId();
        String second = queue.enqueue(job("b")).jobId();
        ClaimedJob claimed = claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        assertEquals(first, claimed.id());

        assertEquals(Settlement.APPLIED, claims.release(claimed));

        assertEquals(List.of(first, second), redis.commands().lrange("rq:queue:default", 0, -1));
        assertEquals("queued", redis.commands().hget("rq:job:" + first, "status"));
        assertEquals(1, claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow().attempt(),
                "a released attempt does not count");
    }

    @Test
    void awaitWorkReturnsWhenAJobIsEnqueued() throws Exception {
        // Drain the wake token of nothing: the queue is empty, so the wait must block until timeout
        long start = System.nanoTime();
        claims.awaitWork(List.of("default"), Duration.ofMillis(300));
        assertTrue(System.nanoTime() - start >= 250_000_000L, "an idle wait blocks");

        queue.enqueue(job("b"));
        start = System.nanoTime();
        claims.awaitWork(List.of("default"), Duration.ofSeconds(2));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "a queued job wakes the waiter");
    }

    @Test
    void releaseAndFailHonourARequestedCancel() {
        RedisJobAdministration admin = new RedisJobAdministration(connections, Clock.systemUTC());
        String released = queue.enqueue(job("b")).jobId();
        ClaimedJob first = claims.claim("w", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        admin.cancel(dev.switchboard.ports.out.BusinessScope.of("b"), released);
        claims.release(first);
        assertEquals("canceled", redis.commands().hget("rq:job:" + released, "status"));
        assertEquals(0L, redis.commands().llen("rq:queue:default"), "a canceled job is not handed out again");

        String retried = queue.enqueue(job("b").withRetry(RetryPolicy.of(3, Duration.ZERO))).jobId();
        ClaimedJob second = claims.claim("w", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        admin.cancel(dev.switchboard.ports.out.BusinessScope.of("b"), retried);
        claims.fail(second, "boom", "trace");
        assertEquals("canceled", redis.commands().hget("rq:job:" + retried, "status"));
        assertEquals(0L, redis.commands().llen("rq:queue:default"), "no retry after a cancel");
    }

    @Test
    void jobMovedOutOfTheStartedRegistryCannotBeSettled() {
        String id = queue.enqueue(job("b")).jobId();
        ClaimedJob claimed = claims.claim("w", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        // python-rq's own cleanup (rq info) moves an expired started entry to failed, leaving our token.
        redis.commands().zrem("rq:wip:default", id);
        redis.commands().zadd("rq:failed:default", 1e12, id);

        assertEquals(Settlement.LEASE_LOST, claims.complete(claimed, null));
        assertEquals(dev.switchboard.ports.out.Heartbeat.LEASE_LOST, claims.heartbeat(claimed, Duration.ofSeconds(30)));
        assertEquals(0L, redis.commands().zcard("rq:finished:default"));
    }

    @Test
    void claimSkipsIdsWhoseJobIsNotQueued() {
        String id = queue.enqueue(job("b")).jobId();
        claims.claim("w1", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
        redis.commands().rpush("rq:queue:default", id); // a second entry of a running job

        assertTrue(claims.claim("w2", List.of("default"), Duration.ofSeconds(30)).isEmpty());
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
    }

    @Test
    void undecodableJobIsFailedWithoutStrandingTheRestOfTheBatch() {
        redis.commands().hset("rq:job:broken-1", Map.of("status", "queued", "origin", "default", "data", "not json",
                "business_id", "b", "failure_ttl", "600"));
        redis.commands().rpush("rq:queue:default", "broken-1");
        String good = queue.enqueue(job("b")).jobId();

        List<ClaimedJob> jobs = claims.claim("w", List.of("default"), Duration.ofSeconds(30), 5);

        assertEquals(List.of(good), jobs.stream().map(ClaimedJob::id).toList());
        assertEquals("failed", redis.commands().hget("rq:job:broken-1", "status"));
        assertEquals(0L, redis.commands().zscore("rq:wip:default", "broken-1") == null ? 0L : 1L);
    }

    @Test
    void expiredRegistryEntriesArePruned() {
        redis.commands().zadd("rq:finished:default", 1.0, "old-finished");
        redis.commands().zadd("rq:failed:default", 1.0, "old-failed");
        redis.commands().zadd("rq:canceled:default", 1.0, "old-canceled");
        redis.commands().zadd("rq:finished:default", 4e12, "fresh");

        int removed = new RedisJobMaintenance(connections, Clock.systemUTC()).pruneRegistries(List.of("default"));

        assertEquals(3, removed);
        assertEquals(List.of("fresh"), redis.commands().zrange("rq:finished:default", 0, -1));
    }

    @Test
    void bulkEnqueueWritesAChunkInOneCallWithDedupeAndIds() {
        String existing = queue.enqueue(job("biz-1").withJobId("already-there")).jobId();
        java.util.List<JobRequest> chunk = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            chunk.add(JobRequest.of("broadcast_job", i % 2 == 0 ? "default" : "low", Map.of("lead", i), "biz-1", "t")
                    .withRunId("run-7"));
        }
        chunk.add(job("biz-1").withDedupe("evt-1", Duration.ofMinutes(5)));
        chunk.add(job("biz-1").withDedupe("evt-1", Duration.ofMinutes(5)));
        chunk.add(job("biz-1").withJobId(existing));
        redis.commands().configResetstat();

        List<EnqueueResult> results = queue.enqueueAll(chunk);

        assertTrue(redis.commands().info("commandstats").contains("cmdstat_evalsha:calls=1,"), "one round trip");
        assertEquals(1003, results.size());
        assertTrue(results.subList(0, 1001).stream().allMatch(r -> r instanceof EnqueueResult.Enqueued));
        assertEquals(new EnqueueResult.Duplicate(results.get(1000).jobId()), results.get(1001), "same dedupe key");
        assertEquals(new EnqueueResult.Duplicate(existing), results.get(1002), "same job id");
        assertEquals(501L + 1, redis.commands().llen("rq:queue:default"));
        assertEquals(500L, redis.commands().llen("rq:queue:low"));
        assertEquals(1000L, redis.commands().scard("switchboard:run:biz-1:run-7"));
        assertTrue(redis.commands().smembers("rq:queues").containsAll(List.of("rq:queue:default", "rq:queue:low")));
        assertEquals(List.of(existing, results.get(0).jobId()), claims.claim("w", List.of("default"), Duration.ofSeconds(30), 2)
                .stream().map(ClaimedJob::id).toList());
    }
}
