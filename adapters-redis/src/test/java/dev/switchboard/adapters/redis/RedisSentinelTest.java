package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.testsupport.RedisSentinelCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code REDIS_URL=redis-sentinel://...} against a real Sentinel deployment (a primary, a replica,
 * three sentinels): connections find the primary through the sentinels and, after a failover,
 * the new one by themselves; with a replication wait, a job acknowledged before the failover is
 * on the new primary, while without one the old primary keeps acknowledging jobs that the
 * failover then throws away (what docs/operations.md warns about).
 */
class RedisSentinelTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final RedisConnections.ReplicationWait ONE_REPLICA =
            new RedisConnections.ReplicationWait(1, Duration.ofMillis(300));
    /** A loaded CI machine once took over 300 ms to replicate the very first write. */
    private static final RedisConnections.ReplicationWait ONE_REPLICA_PATIENT =
            new RedisConnections.ReplicationWait(1, Duration.ofSeconds(3));

    private static JobRequest job(int i) {
        return JobRequest.of("noop_job", "default", Map.of("i", i), "b", "t");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aJobIsAcceptedOnlyOnceAReplicaHasIt() {
        try (RedisSentinelCluster cluster = RedisSentinelCluster.start(1, 3);
             RedisConnections redis = RedisConnections.connect(cluster.url(), ONE_REPLICA_PATIENT)) {
            int replica = cluster.dataPorts().get(1);
            RedisJobQueue queue = new RedisJobQueue(redis, CLOCK);
            String id = queue.enqueue(job(1)).jobId();
            // Read the replica directly, at once: WAIT returned only after it had the job.
            assertEquals("queued", cluster.commands(replica).hget("rq:job:" + id, "status"));
            assertEquals("sentinel master 'switchboard'", redis.describe());

            cluster.kill9(replica);
            JobStoreUnavailableException refused = assertThrows(JobStoreUnavailableException.class,
                    () -> queue.enqueue(job(2)));
            assertTrue(refused.getMessage().contains("to 0 of 1 replicas"), refused.getMessage());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void noJobAcknowledgedWithAReplicationWaitIsLostWhenThePrimaryFailsOverUnderLoad() throws Exception {
        try (RedisSentinelCluster cluster = RedisSentinelCluster.start(1, 3);
             RedisConnections waiting = RedisConnections.connect(cluster.url(), ONE_REPLICA);
             RedisConnections unsafe = RedisConnections.connect(cluster.url())) {
            int oldPrimary = cluster.primaryPort();
            Load safe = new Load(new RedisJobQueue(waiting, CLOCK), 0);
            Load fast = new Load(new RedisJobQueue(unsafe, CLOCK), 1_000_000);
            Thread safeThread = Thread.ofPlatform().name("sentinel-test-safe").start(safe);
            Thread fastThread = Thread.ofPlatform().name("sentinel-test-unsafe").start(fast);
            awaitAtLeast(safe.accepted, 50);
            long started = System.nanoTime();
            cluster.failover();
            int newPrimary = cluster.awaitFailoverFrom(oldPrimary, Duration.ofSeconds(45));
            long switched = System.nanoTime();
            // Both clients find the new primary by themselves and are accepted there again.
            int safeBefore = safe.accepted.size();
            int fastBefore = fast.accepted.size();
            awaitAtLeast(safe.accepted, safeBefore + 50);
            awaitAtLeast(fast.accepted, fastBefore + 50);
            safe.running.set(false);
            fast.running.set(false);
            safeThread.join();
            fastThread.join();

            Set<String> onNewPrimary = new HashSet<>(cluster.commands(newPrimary).lrange("rq:queue:default", 0, -1));
            Set<String> lostSafe = new HashSet<>(safe.accepted.keySet());
            lostSafe.removeAll(onNewPrimary);
            Set<String> lostFast = new HashSet<>(fast.accepted.keySet());
            lostFast.removeAll(onNewPrimary);
            System.out.printf("sentinel failover %d -> %d in %d ms: with WAIT 1: %d accepted, %d refused, %d lost;"
                            + " without: %d accepted, %d refused, %d acknowledged and lost%n",
                    oldPrimary, newPrimary, TimeUnit.NANOSECONDS.toMillis(switched - started),
                    safe.accepted.size(), safe.refused.get(), lostSafe.size(),
                    fast.accepted.size(), fast.refused.get(), lostFast.size());
            assertEquals(Set.of(), lostSafe, "every job acknowledged with WAIT is on the new primary");
            assertTrue(safe.refused.get() > 0, "during the switch the primary that lost its replica refused jobs");
            assertTrue(!lostFast.isEmpty(), "without WAIT the demoted primary acknowledged jobs the failover dropped");
        }
    }

    /** Enqueues job after job, recording which were acknowledged and how many were refused. */
    private static final class Load implements Runnable {
        final Map<String, Boolean> accepted = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final RedisJobQueue queue;
        private final int offset;

        Load(RedisJobQueue queue, int offset) {
            this.queue = queue;
            this.offset = offset;
        }

        @Override
        public void run() {
            int i = offset;
            while (running.get()) {
                try {
                    accepted.put(queue.enqueue(job(i++)).jobId(), true);
                } catch (JobStoreUnavailableException e) {
                    refused.incrementAndGet();
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static void awaitAtLeast(Map<String, Boolean> accepted, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (accepted.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + accepted.size() + " of " + n + " jobs accepted");
            }
            Thread.sleep(20);
        }
    }
}
