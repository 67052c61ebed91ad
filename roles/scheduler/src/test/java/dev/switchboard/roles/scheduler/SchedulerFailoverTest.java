package dev.switchboard.roles.scheduler;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two scheduler processes on one Redis: one leads, the other stands by; a SIGTERM hands the lease
 * over within a tick, a {@code kill -9} within the lease TTL plus a tick.
 *
 * <p>The schedule runs 120 times faster (two minutes a second), so a minute slot falls due at
 * every tick and "the standby enqueues" is observable at once.
 */
class SchedulerFailoverTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Duration STARTUP = Duration.ofSeconds(30);

    /**
     * Catch-up one schedule-hour: longer than any takeover here (11 s real, 22 min of schedule).
     * A previous leader ticked ten schedule-minutes before the origin, so the first leader has
     * slots to enqueue at once (a first leader ever back-fills nothing).
     */
    private static Map<String, String> settings(Duration tick, Duration leaseTtl) {
        Instant origin = Instant.now();
        redis.commands().set("scheduler:last_tick", origin.minus(Duration.ofMinutes(10)).toString());
        return Map.of("SCHEDULER_TICK", tick.toMillis() + "ms", "SCHEDULER_LEASE_TTL", leaseTtl.toMillis() + "ms",
                "SCHEDULER_CATCHUP", "60m", "SCHEDULER_TIME_SCALE", "120", "SCHEDULER_TIME_ORIGIN", origin.toString());
    }

    private static String lockOwner() {
        return redis.commands().get("scheduler:global_lock");
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts two, waits until one leads and the other has stood by; returns {leader, standby}. */
    private static SchedulerProcess[] leaderAndStandby(Map<String, String> settings) {
        SchedulerProcess a = SchedulerProcess.start(redis.url(), settings);
        SchedulerProcess b = SchedulerProcess.start(redis.url(), settings);
        a.awaitOwner(STARTUP);
        b.awaitOwner(STARTUP);
        await("a leader and a standby", STARTUP, () -> lockOwner() != null && (a.standingBy() || b.standingBy()));
        SchedulerProcess leader = a.owner().equals(lockOwner()) ? a : b;
        SchedulerProcess standby = leader == a ? b : a;
        await("the leader enqueued", STARTUP, () -> !leader.newSlots().isEmpty());
        return new SchedulerProcess[] {leader, standby};
    }

    @Test
    void twoSchedulersExactlyOneEnqueuesAndTheLockShowsItsOwner() {
        SchedulerProcess[] pair = leaderAndStandby(settings(Duration.ofMillis(250), Duration.ofSeconds(2)));
        try (SchedulerProcess leader = pair[0]; SchedulerProcess standby = pair[1]) {
            sleep(2_000); // a few more ticks of both
            assertEquals(leader.owner(), redis.commands().get("scheduler:global_lock"),
                    "redis-cli GET scheduler:global_lock shows the leader's owner id");
            // Stop both before comparing the leader's log with Redis: a tick between the two reads
            // would enqueue a slot that is in Redis but not yet in the log read before it. The
            // standby first, so it cannot take over the lease the leader releases on SIGTERM.
            standby.jvm.terminate();
            standby.jvm.waitFor(Duration.ofSeconds(15));
            leader.jvm.terminate();
            leader.jvm.waitFor(Duration.ofSeconds(15));

            assertTrue(leader.jvm.output().contains("Lock acquired for cycle "), leader.jvm.output());
            assertTrue(standby.jvm.output().contains("Lock held by " + leader.owner() + ", skipping"), standby.jvm.output());
            assertEquals(List.of(), standby.newSlots(), "the standby enqueued nothing");
            assertFalse(standby.jvm.output().contains("Enqueued "), "not even a duplicate attempt");
            List<String> enqueued = leader.newSlots();
            assertTrue(enqueued.size() >= 8, "the leader enqueued every tick: " + enqueued);
            assertEquals(enqueued.size(), enqueued.stream().distinct().count());
            long inQueues = redis.commands().keys("rq:queue:*").stream().mapToLong(q -> redis.commands().llen(q)).sum();
            assertEquals(inQueues, enqueued.size(), "every job in Redis (every queue: gmail_sync_job and warmup_agents_job are on low) was logged by the leader");
        }
    }

    @Test
    void sigtermedLeaderReleasesTheLeaseAndTheStandbyEnqueuesWithinOneTick() {
        Duration tick = Duration.ofSeconds(1);
        Duration leaseTtl = Duration.ofSeconds(10); // long: a takeover by expiry would take ~10 s
        SchedulerProcess[] pair = leaderAndStandby(settings(tick, leaseTtl));
        try (SchedulerProcess leader = pair[0]; SchedulerProcess standby = pair[1]) {
            await("the standby ticked", STARTUP, standby::standingBy);

            leader.jvm.terminate();
            leader.jvm.waitFor(Duration.ofSeconds(15)); // 143: the JVM's status after SIGTERM and its hooks
            long exited = System.nanoTime();
            String holder = lockOwner();
            assertTrue(holder == null || holder.equals(standby.owner()),
                    "the leader deleted its lease on the way out (it would hold it for 10 s more): " + holder);
            await("the standby enqueued", leaseTtl, () -> !standby.newSlots().isEmpty());
            Duration takeover = Duration.ofNanos(System.nanoTime() - exited);

            assertTrue(leader.jvm.output().contains("stopped and released the lease"), leader.jvm.output());
            System.out.println("SIGTERM takeover: standby enqueued " + takeover.toMillis() + " ms after the leader exited"
                    + " (tick " + tick.toMillis() + " ms, lease TTL " + leaseTtl.toMillis() + " ms)");
            assertTrue(takeover.compareTo(tick.plusMillis(500)) <= 0, "within one tick: " + takeover);
            assertEquals(standby.owner(), lockOwner());
        }
    }

    @Test
    void killedLeadersLeaseExpiresAndTheStandbyTakesOverWithinTtlPlusOneTick() {
        Duration tick = Duration.ofMillis(500);
        Duration leaseTtl = Duration.ofSeconds(3);
        SchedulerProcess[] pair = leaderAndStandby(settings(tick, leaseTtl));
        try (SchedulerProcess leader = pair[0]; SchedulerProcess standby = pair[1]) {
            await("the standby ticked", STARTUP, standby::standingBy);
            String killedOwner = leader.owner();

            long killed = System.nanoTime();
            leader.jvm.kill9();
            assertEquals(killedOwner, lockOwner(), "a crash leaves the lease in place");
            await("the standby enqueued", leaseTtl.multipliedBy(3), () -> !standby.newSlots().isEmpty());
            Duration takeover = Duration.ofNanos(System.nanoTime() - killed);

            System.out.println("kill -9 takeover: standby enqueued " + takeover.toMillis() + " ms after the kill"
                    + " (tick " + tick.toMillis() + " ms, lease TTL " + leaseTtl.toMillis() + " ms)");
            assertTrue(takeover.compareTo(leaseTtl.plus(tick).plusMillis(500)) <= 0, "within TTL + one tick: " + takeover);
            assertTrue(takeover.compareTo(leaseTtl.minus(tick).minusMillis(300)) >= 0,
                    "not before the lease could have expired: " + takeover);
            assertEquals(standby.owner(), lockOwner());
        }
    }
}
