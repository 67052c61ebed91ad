package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.SchedulerStatus;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's tick record and its health read side, on a real Redis. */
class RedisSchedulerStatusTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Instant TICK = Instant.parse("2026-11-22T22:41:15.250Z");
    private static final Duration TTL = Duration.ofSeconds(45);

    private RedisConnections connections;
    private RedisLeaseLock lease;
    private RedisSchedulerTicks ticks;
    private RedisSchedulerStatus status;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        lease = RedisLeaseLock.scheduler(connections);
        ticks = new RedisSchedulerTicks(connections);
        status = new RedisSchedulerStatus(connections);
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void theLeaseHolderRecordsItsTickAsAnIsoInstantAndRenewsItsLease() {
        lease.acquire("host.1.aaaa", Duration.ofSeconds(5));

        assertTrue(ticks.recordTick("host.1.aaaa", TTL, TICK));

        assertEquals("2026-11-22T22:41:15.250Z", redis.commands().get("scheduler:last_tick"));
        assertEquals(Optional.of(TICK), ticks.lastTick());
        assertTrue(redis.commands().pttl("scheduler:global_lock") > 44_000, "the lease was renewed to the full TTL");
    }

    @Test
    void aProcessThatDoesNotHoldTheLeaseCanNeitherRecordATickNorExtendTheLease() {
        lease.acquire("host.1.aaaa", Duration.ofSeconds(5));

        assertFalse(ticks.recordTick("host.2.bbbb", TTL, TICK));
        assertNull(redis.commands().get("scheduler:last_tick"));
        assertTrue(redis.commands().pttl("scheduler:global_lock") <= 5_000, "a stranger extends nothing");
        lease.release("host.1.aaaa");
        assertFalse(ticks.recordTick("host.1.aaaa", TTL, TICK), "not after releasing either");
    }

    @Test
    void anExpiredLeaseIsNotRecreatedByItsFormerOwnersRecord() throws InterruptedException {
        lease.acquire("host.1.aaaa", Duration.ofMillis(50));
        Thread.sleep(120);

        assertFalse(ticks.recordTick("host.1.aaaa", TTL, TICK));
        assertNull(redis.commands().get("scheduler:global_lock"));
        assertNull(redis.commands().get("scheduler:last_tick"));
    }

    @Test
    void noTickAndAnUnreadableTickReadAsNone() {
        assertEquals(Optional.empty(), ticks.lastTick());
        redis.commands().set("scheduler:last_tick", "yesterday");
        assertEquals(Optional.empty(), ticks.lastTick());
    }

    @Test
    void statusReportsLastTickOwnerAndRemainingTtl() {
        lease.acquire("host.1.aaaa", TTL);
        ticks.recordTick("host.1.aaaa", TTL, TICK);

        SchedulerStatus.Snapshot snapshot = status.read();

        assertEquals(Optional.of(TICK), snapshot.lastTick());
        assertTrue(snapshot.lockHeld());
        assertEquals(Optional.of("host.1.aaaa"), snapshot.leaseOwner());
        Duration left = snapshot.leaseRemaining().orElseThrow();
        assertTrue(left.compareTo(Duration.ofSeconds(44)) > 0 && left.compareTo(Duration.ofSeconds(45)) <= 0, left.toString());
    }

    @Test
    void statusWithoutALeaderSaysTheLockIsFreeAndKeepsTheLastTick() {
        lease.acquire("host.1.aaaa", TTL);
        ticks.recordTick("host.1.aaaa", TTL, TICK);
        lease.release("host.1.aaaa");

        SchedulerStatus.Snapshot snapshot = status.read();

        assertFalse(snapshot.lockHeld());
        assertEquals(new SchedulerStatus.Snapshot(Optional.of(TICK), Optional.empty(), Optional.empty()), snapshot);
    }

    @Test
    void statusOfAFreshStoreIsEmpty() {
        assertEquals(new SchedulerStatus.Snapshot(Optional.empty(), Optional.empty(), Optional.empty()), status.read());
    }
}
