package dev.switchboard.roles.worker;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing is lost when workers die: three worker processes work through 5,000 jobs while a random
 * one is killed with SIGKILL every 500 ms (50 kills) and restarted. At the end every job is
 * finished, and the only jobs that ran more than once are jobs whose lease expired.
 */
class WorkerKillTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    /** CI's size; the long run: {@code -Dworker.kill.jobs=20000 -Dworker.kills=200} (docs/operations.md). */
    private static final int JOBS = Integer.getInteger("worker.kill.jobs", 3_000);
    private static final int WORKERS = 3;
    private static final int KILLS = Integer.getInteger("worker.kills", 30);

    @Test
    void sigtermReturnsTheRunningJobToTheFrontOfItsQueueWithinTheGrace() throws Exception {
        String running;
        String waiting;
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, Clock.systemUTC());
            running = queue.enqueue(JobRequest.of("noop_job", "default", Map.of("sleep_ms", 60_000), "b", "t")).jobId();
            waiting = queue.enqueue(JobRequest.of("noop_job", "default", Map.of(), "b", "t")).jobId();
        }
        try (ChildJvm worker = ChildJvm.start(WorkerRole.class.getName(), Map.of("REDIS_URL", redis.url(),
                "DATABASE_URL", postgres.databaseUrl(), "SERVICE_ROLE", "worker", "RQ_QUEUES", "default", "WORKER_CONCURRENCY", "1", "WORKER_GRACE", "1s"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"started".equals(redis.commands().hget("rq:job:" + running, "status"))) {
                assertTrue(System.nanoTime() < deadline, "the job never started:\n" + worker.output());
                Thread.sleep(50);
            }
            worker.terminate();
            assertEquals(143, worker.waitFor(Duration.ofSeconds(15)), "exits on SIGTERM within the grace");
            assertTrue(worker.output().contains("job returned to the front of default"), worker.output());
        }
        assertEquals(List.of(running, waiting), redis.commands().lrange("rq:queue:default", 0, -1));
        assertEquals("queued", redis.commands().hget("rq:job:" + running, "status"));
        assertEquals(0L, redis.commands().zcard("rq:wip:default"));
    }

    @Test
    void killingWorkersLosesNoJob() throws Exception {
        List<String> ids = new ArrayList<>(JOBS);
        Random random = new Random(42);
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, Clock.systemUTC());
            for (int i = 0; i < JOBS; i++) {
                ids.add(queue.enqueue(JobRequest.of("noop_job", "default",
                        Map.of("sleep_ms", 30 + random.nextInt(40)), "kill-test", "t" + i)).jobId());
            }
        }
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "DATABASE_URL", postgres.databaseUrl(), "SERVICE_ROLE", "worker",
                "RQ_QUEUES", "default", "WORKER_CONCURRENCY", "4", "WORKER_LEASE", "1s",
                // This test is about loss, so a job hit by several kills must not be failed as poison.
                "WORKER_MAX_LEASE_EXPIRIES", "1000", "LOG_LEVEL", "WARN");
        List<ChildJvm> workers = new ArrayList<>();
        int kills = 0;
        try {
            for (int i = 0; i < WORKERS; i++) {
                workers.add(ChildJvm.start(WorkerRole.class.getName(), env));
            }
            while (kills < KILLS) {
                Thread.sleep(500);
                int victim = random.nextInt(WORKERS);
                workers.get(victim).kill9();
                kills++;
                workers.set(victim, ChildJvm.start(WorkerRole.class.getName(), env));
            }
            long pendingAfterKills = JOBS - redis.commands().zcard("rq:finished:default");
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (redis.commands().zcard("rq:finished:default") < JOBS && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            System.out.println("worker kill test: " + kills + " kills; " + pendingAfterKills
                    + " of " + JOBS + " jobs were still unfinished when the kills stopped");
        } finally {
            workers.forEach(ChildJvm::close);
        }

        int ranMoreThanOnce = 0;
        int unfinished = 0;
        List<String> unexplained = new ArrayList<>();
        for (String id : ids) {
            Map<String, String> job = redis.commands().hgetall("rq:job:" + id);
            if (!"finished".equals(job.get("status"))) {
                unfinished++;
                continue;
            }
            int attempts = Integer.parseInt(job.getOrDefault("attempts", "0"));
            int expiries = Integer.parseInt(job.getOrDefault("lease_expiries", "0"));
            if (attempts > 1) {
                ranMoreThanOnce++;
                if (expiries < attempts - 1) {
                    unexplained.add(id + " attempts=" + attempts + " lease_expiries=" + expiries);
                }
            }
        }
        System.out.println("worker kill test: " + JOBS + " jobs, " + (JOBS - unfinished) + " finished, "
                + ranMoreThanOnce + " ran more than once (all after a lease expiry), " + unfinished + " lost");
        assertEquals(KILLS, kills);
        assertEquals(0, unfinished, "every job finished");
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
        assertEquals(0L, redis.commands().zcard("rq:wip:default"));
        assertEquals(0L, redis.commands().zcard("rq:failed:default"));
        assertTrue(unexplained.isEmpty(), "jobs that ran twice without a lease expiry: " + unexplained);
    }
}
