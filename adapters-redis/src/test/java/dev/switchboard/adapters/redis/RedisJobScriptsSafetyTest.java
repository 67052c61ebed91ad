package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import dev.switchboard.ports.out.ClaimRequest;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStatistics;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.Settled;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job scripts against races and faults the kill tests cannot reach: lost replies, clock skew,
 * python-rq's own tools moving jobs under us, stale ids, and the statistics the settling scripts
 * record. Each test fails on the scripts before these fixes.
 */
class RedisJobScriptsSafetyTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final List<String> DEFAULT = List.of("default");

    private RedisConnections connections;
    private RedisJobQueue queue;
    private RedisJobClaims claims;
    private RedisJobMaintenance maintenance;
    private RedisJobAdministration administration;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        queue = new RedisJobQueue(connections, Clock.systemUTC());
        claims = new RedisJobClaims(connections, Clock.systemUTC());
        maintenance = new RedisJobMaintenance(connections, Clock.systemUTC());
        administration = new RedisJobAdministration(connections, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        connections.close();
    }

    private String enqueue() {
        return queue.enqueue(JobRequest.of("some_job", "default", Map.of(), "b", "t")).jobId();
    }

    private static String field(String id, String name) {
        return redis.commands().hget("rq:job:" + id, name);
    }

    private static double redisNow() {
        List<String> time = redis.commands().time();
        return Long.parseLong(time.get(0)) + Long.parseLong(time.get(1)) / 1e6;
    }

    // ---- lost replies ------------------------------------------------------------------------

    @Test
    void repeatedClaimReturnsTheSameBatchInsteadOfTakingAnother() {
        List<String> ids = List.of(enqueue(), enqueue(), enqueue(), enqueue());
        ClaimRequest request = ClaimRequest.of("w", DEFAULT, Duration.ofSeconds(30), 2);

        List<ClaimedJob> first = claims.claim(request);
        List<ClaimedJob> repeat = claims.claim(request); // Lettuce resent it after a reconnect

        assertEquals(ids.subList(0, 2), first.stream().map(ClaimedJob::id).toList());
        assertEquals(first, repeat, "same jobs, same lease tokens");
        assertEquals(2L, redis.commands().llen("rq:queue:default"), "the repeat took nothing more");
        assertEquals("1", field(ids.get(0), "attempts"), "the repeat counted no attempt");
        assertEquals(ids.subList(2, 4), claims.claim("w", DEFAULT, Duration.ofSeconds(30), 5).stream()
                .map(ClaimedJob::id).toList());
    }

    @Test
    void repeatedSettleAndClaimNextReturnsTheSameNextJob() {
        String first = enqueue();
        String second = enqueue();
        String third = enqueue();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        ClaimRequest next = ClaimRequest.of("w", DEFAULT, Duration.ofSeconds(30), 1);

        Settled settled = claims.complete(job, "ok", Duration.ofMillis(3), Optional.of(next));
        Settled repeat = claims.complete(job, "ok", Duration.ofMillis(3), Optional.of(next));

        assertEquals(first, job.id());
        assertEquals(Settlement.APPLIED, settled.settlement());
        assertEquals(List.of(second), settled.next().stream().map(ClaimedJob::id).toList());
        assertEquals(settled.next(), repeat.next(), "the repeat hands back the same next job");
        assertEquals(List.of(third), redis.commands().lrange("rq:queue:default", 0, -1));
    }

    // ---- Redis's clock -------------------------------------------------------------------------

    @Test
    void leaseDeadlinesAreSetAndComparedOnRedisClockWhateverTheWorkersClocks() {
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
        String id = enqueue();
        ClaimedJob job = new RedisJobClaims(connections, behind).claim("slow-clock", DEFAULT, Duration.ofSeconds(5))
                .orElseThrow();

        double before = redisNow();
        assertEquals(0, new RedisJobMaintenance(connections, ahead).recoverExpiredLeases(DEFAULT, 3),
                "a reaper whose clock runs 10 minutes ahead recovers nothing live");
        double deadline = redis.commands().zscore("rq:wip:default", id);
        assertTrue(deadline > before + 3 && deadline < before + 6, "deadline = Redis now + lease, was " + deadline);

        assertEquals(Heartbeat.EXTENDED, new RedisJobClaims(connections, ahead).heartbeat(job, Duration.ofSeconds(5)));
        assertTrue(redis.commands().zscore("rq:wip:default", id) < redisNow() + 6, "a fast clock stretches nothing");
    }

    @Test
    void retryDelaysAreMeasuredOnRedisClock() {
        String id = queue.enqueue(JobRequest.of("some_job", "default", Map.of(), "b", "t")
                .withRetry(RetryPolicy.of(1, Duration.ofSeconds(10)))).jobId();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        new RedisJobClaims(connections, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))
                .fail(job, "boom", "");
        double due = redis.commands().zscore("rq:scheduled:default", id);
        assertTrue(Math.abs(due - (redisNow() + 10)) < 3, "due in ~10 s by Redis's clock, was " + (due - redisNow()));
        assertEquals(0, new RedisJobMaintenance(connections, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
                .promoteDueJobs(DEFAULT), "a fast clock promotes nothing early");
    }

    // ---- python-rq's tools racing ours -------------------------------------------------------

    @Test
    void progressIsFencedOnceTheJobLeftTheStartedRegistry() {
        String id = enqueue();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        redis.commands().zrem("rq:wip:default", id); // python-rq's cleanup (rq info) moved it out

        assertEquals(Settlement.LEASE_LOST, claims.progress(job, 50, "stale"));
        assertEquals("0", field(id, "progress"));
    }

    @Test
    void requeueClearsTheLeaseTokenThatPythonRqLeftBehind() {
        String id = enqueue();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        claims.progress(job, 40, "forty");
        // python-rq's StartedJobRegistry.cleanup moves an expired entry to failed without our token.
        redis.commands().zrem("rq:wip:default", id);
        redis.commands().hset("rq:job:" + id, "status", "failed");
        redis.commands().zadd("rq:failed:default", redisNow() + 1000, id);

        assertTrue(administration.requeue(BusinessScope.all(), id));

        assertTrue(field(id, "lease_token") == null || field(id, "lease_token").isEmpty(), field(id, "lease_token"));
        assertEquals("0", field(id, "progress"));
        ClaimedJob again = claims.claim("w2", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        assertEquals(Settlement.LEASE_LOST, claims.complete(job, null), "the old holder stays fenced off");
        assertEquals(Settlement.APPLIED, claims.complete(again, null));
    }

    @Test
    void aReleasedJobStartsAgainWithNoProgress() {
        String id = enqueue();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        claims.progress(job, 70, "seventy");
        assertEquals(Settlement.APPLIED, claims.release(job));
        assertEquals("0", field(id, "progress"));
        assertEquals("", field(id, "progress_message"));
    }

    @Test
    void promotionDoesNotRequeueAJobThatIsRunning() {
        String id = enqueue();
        claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        // python-rq's scheduler read the id from rq:scheduled before our promotion and a claim.
        redis.commands().zadd("rq:scheduled:default", redisNow() - 5, id);

        assertEquals(0, maintenance.promoteDueJobs(DEFAULT));
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
        assertEquals("started", field(id, "status"));
        assertEquals(0L, redis.commands().zcard("rq:scheduled:default"), "the stale entry is dropped");
    }

    @Test
    void reaperDoesNotRequeueAJobThatMovedOn() throws Exception {
        String id = enqueue();
        claims.claim("w", DEFAULT, Duration.ofMillis(300)).orElseThrow();
        redis.commands().hset("rq:job:" + id, "status", "finished"); // settled by python-rq's worker
        Thread.sleep(500);

        assertEquals(0, maintenance.recoverExpiredLeases(DEFAULT, 3));
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
        assertEquals("finished", field(id, "status"));
        assertEquals(0L, redis.commands().zcard("rq:wip:default"));
    }

    @Test
    void claimSkipsTheIdOfAJobThatIsStillLeased() {
        String id = enqueue();
        claims.claim("w1", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        // python-rq's scheduler re-enqueues it under our feet: status queued, id on the queue.
        redis.commands().hset("rq:job:" + id, "status", "queued");
        redis.commands().rpush("rq:queue:default", id);

        assertTrue(claims.claim("w2", DEFAULT, Duration.ofSeconds(30)).isEmpty(), "no second run");
    }

    // ---- leaks and linear costs --------------------------------------------------------------

    @Test
    void oneClaimCallDropsAtMostAThousandStaleIds() {
        String[] stale = new String[5000];
        for (int i = 0; i < stale.length; i++) {
            stale[i] = "gone-" + i;
        }
        redis.commands().rpush("rq:queue:default", stale);
        String real = enqueue();

        assertTrue(claims.claim("w", DEFAULT, Duration.ofSeconds(30)).isEmpty());
        assertEquals(4001L, redis.commands().llen("rq:queue:default"), "capped at 1000 per call");
        Optional<ClaimedJob> claimed = Optional.empty();
        for (int i = 0; i < 5 && claimed.isEmpty(); i++) {
            claimed = claims.claim("w", DEFAULT, Duration.ofSeconds(30));
        }
        assertEquals(real, claimed.orElseThrow().id());
    }

    @Test
    void cancelLeavesTheQueueListAloneAndClaimsSkipTheCanceledJob() {
        String first = enqueue();
        String canceled = enqueue();
        String last = enqueue();
        redis.commands().configResetstat();

        assertEquals(CancelOutcome.CANCELED, administration.cancel(BusinessScope.of("b"), canceled));

        assertFalse(redis.commands().info("commandstats").contains("cmdstat_lrem"), "no linear LREM");
        assertEquals(3L, redis.commands().llen("rq:queue:default"));
        assertEquals(List.of(first, last), claims.claim("w", DEFAULT, Duration.ofSeconds(30), 5).stream()
                .map(ClaimedJob::id).toList());
        assertEquals("canceled", field(canceled, "status"));
    }

    @Test
    void maintenanceDropsDeadWorkersFromTheWorkerSets() {
        redis.commands().sadd("rq:workers", "rq:worker:ghost", "rq:worker:alive");
        redis.commands().sadd("rq:workers:default", "rq:worker:ghost", "rq:worker:alive");
        redis.commands().hset("rq:worker:alive", "birth", "x");

        maintenance.maintain(DEFAULT, 3);

        assertEquals(java.util.Set.of("rq:worker:alive"), redis.commands().smembers("rq:workers"));
        assertEquals(java.util.Set.of("rq:worker:alive"), redis.commands().smembers("rq:workers:default"));
    }

    @Test
    void aJobWithoutAFailureTtlKeepsPythonRqsDefaultOfOneYear() {
        String id = enqueue();
        redis.commands().hdel("rq:job:" + id, "failure_ttl");
        administration.cancel(BusinessScope.all(), id);
        long ttl = redis.commands().ttl("rq:job:" + id);
        assertTrue(ttl > 31_000_000, "one year, was " + ttl);
    }

    @Test
    void heartbeatOfManyJobsIsOneCallAndReportsEachLease() {
        enqueue();
        enqueue();
        String canceled = enqueue();
        List<ClaimedJob> jobs = claims.claim("w", DEFAULT, Duration.ofSeconds(30), 3);
        administration.cancel(BusinessScope.all(), canceled);
        ClaimedJob forged = new ClaimedJob(jobs.get(0).id(), "some_job", "default", Map.of(), "b", "t",
                Optional.empty(), "not-the-token", 1, Duration.ofSeconds(1));
        redis.commands().configResetstat();

        Map<String, Heartbeat> beats = claims.heartbeat(List.of(jobs.get(0), jobs.get(1), jobs.get(2), forged),
                Duration.ofSeconds(30));

        assertEquals(List.of(Heartbeat.EXTENDED, Heartbeat.EXTENDED, Heartbeat.CANCEL_REQUESTED, Heartbeat.LEASE_LOST),
                List.copyOf(beats.values()));
        assertTrue(redis.commands().info("commandstats").contains("cmdstat_evalsha:calls=1,"));
    }

    // ---- handlers' verdicts (JobFailure) -------------------------------------------------------

    @Test
    void aPermanentFailureSkipsTheRetriesLeft() {
        String id = queue.enqueue(JobRequest.of("some_job", "default", Map.of(), "b", "t")
                .withRetry(RetryPolicy.of(3, Duration.ZERO))).jobId();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();

        claims.fail(job, new AttemptFailure("refused as invalid", "", true, Duration.ZERO), Duration.ZERO,
                Optional.empty());

        assertEquals("failed", field(id, "status"));
        assertEquals(1L, redis.commands().zcard("rq:failed:default"));
        assertTrue(administration.requeue(BusinessScope.all(), id), "operators can requeue it as any failed job");
    }

    @Test
    void aRetryAfterWaitsTheLongerOfItsDelayAndThePolicysInterval() {
        String id = queue.enqueue(JobRequest.of("some_job", "default", Map.of(), "b", "t")
                .withRetry(RetryPolicy.of(2, Duration.ofSeconds(5)))).jobId();
        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        claims.fail(job, new AttemptFailure("429", "", false, Duration.ofSeconds(60)), Duration.ZERO, Optional.empty());
        assertEquals(60, redis.commands().zscore("rq:scheduled:default", id) - redisNow(), 3);

        redis.commands().zadd("rq:scheduled:default", 0, id);
        maintenance.promoteDueJobs(DEFAULT);
        ClaimedJob again = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        claims.fail(again, new AttemptFailure("429", "", false, Duration.ofSeconds(1)), Duration.ZERO, Optional.empty());
        assertEquals(5, redis.commands().zscore("rq:scheduled:default", id) - redisNow(), 3);
    }

    // ---- statistics ------------------------------------------------------------------------------

    @Test
    void settlingRecordsPerJobTypeStatisticsAndTheTimeline() {
        for (int i = 0; i < 3; i++) {
            enqueue();
        }
        List<ClaimedJob> jobs = claims.claim("w", DEFAULT, Duration.ofSeconds(30), 3);
        claims.complete(jobs.get(0), null, Duration.ofMillis(3), Optional.empty());
        claims.complete(jobs.get(1), null, Duration.ofMillis(700), Optional.empty());
        claims.fail(jobs.get(2), AttemptFailure.of("boom", ""), Duration.ofSeconds(400), Optional.empty());

        JobStatistics.Snapshot snapshot = new RedisJobStatistics(connections)
                .read(List.of("some_job", "never_ran_job"), Duration.ofMinutes(5));

        JobStatistics.JobTypeStats stats = snapshot.byName().get("some_job");
        assertEquals(3, stats.processed());
        assertEquals(1, stats.failed());
        assertEquals(JobStatistics.BUCKETS.size() + 1, stats.bucketCounts().size());
        assertEquals(1L, stats.bucketCounts().get(0), "3 ms is in the 5 ms bucket");
        assertEquals(1L, stats.bucketCounts().get(JobStatistics.BUCKETS.indexOf(Duration.ofMillis(1000))));
        assertEquals(1L, stats.bucketCounts().get(JobStatistics.BUCKETS.size()), "400 s is in the unbounded bucket");
        assertEquals(0, snapshot.byName().get("never_ran_job").processed());
        assertEquals(2, snapshot.timeline().stream().mapToLong(JobStatistics.Second::processed).sum());
        assertEquals(1, snapshot.timeline().stream().mapToLong(JobStatistics.Second::failed).sum());
    }

    @Test
    void maintenanceAgesTheTimelineOutAfterAnHour() {
        long now = (long) redisNow();
        redis.commands().hset("switchboard:stats:timeline", Map.of("p:" + (now - 3700), "5", "f:" + (now - 3650), "1",
                "p:" + (now - 10), "2"));
        maintenance.maintain(DEFAULT, 3);
        assertEquals(java.util.Set.of("p:" + (now - 10)), redis.commands().hkeys("switchboard:stats:timeline")
                .stream().collect(java.util.stream.Collectors.toSet()));
    }
}
