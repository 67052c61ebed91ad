package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.LeaseAttempt;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisLeaseLockTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final String LOCK = "scheduler:global_lock";
    private static final Duration TTL = Duration.ofSeconds(45);

    private RedisConnections connections;
    private RedisLeaseLock lease;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        lease = RedisLeaseLock.scheduler(connections);
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void freeLeaseIsTakenAndHoldsTheOwnerIdWithTheTtl() {
        assertInstanceOf(LeaseAttempt.Acquired.class, lease.acquire("host.1.aaaa", TTL));

        assertEquals("host.1.aaaa", redis.commands().get(LOCK), "redis-cli GET scheduler:global_lock shows the owner");
        long pttl = redis.commands().pttl(LOCK);
        assertTrue(pttl > 44_000 && pttl <= 45_000, "pttl " + pttl);
    }

    @Test
    void theHolderRenewsOnAcquireAndAnotherOwnerSeesTheHolderAndItsRemainingTtl() {
        lease.acquire("host.1.aaaa", Duration.ofSeconds(10));

        assertInstanceOf(LeaseAttempt.Renewed.class, lease.acquire("host.1.aaaa", TTL));
        assertTrue(redis.commands().pttl(LOCK) > 44_000, "renewed to the full TTL");
        LeaseAttempt other = lease.acquire("host.2.bbbb", TTL);
        LeaseAttempt.HeldByOther held = assertInstanceOf(LeaseAttempt.HeldByOther.class, other);
        assertEquals("host.1.aaaa", held.owner());
        assertTrue(held.remaining().orElseThrow().compareTo(Duration.ofSeconds(44)) > 0, held.toString());
        assertFalse(other.held());
        assertEquals("host.1.aaaa", redis.commands().get(LOCK), "the attempt changed nothing");
    }

    @Test
    void expiredLeaseIsTakenByTheNextAcquirer() throws InterruptedException {
        lease.acquire("host.1.aaaa", Duration.ofMillis(50));
        Thread.sleep(120);

        assertInstanceOf(LeaseAttempt.Acquired.class, lease.acquire("host.2.bbbb", TTL));
        assertEquals("host.2.bbbb", redis.commands().get(LOCK));
    }

    @Test
    void releaseDeletesOnlyTheOwnersLease() {
        lease.acquire("host.1.aaaa", TTL);

        assertFalse(lease.release("host.2.bbbb"));
        assertEquals("host.1.aaaa", redis.commands().get(LOCK));
        assertTrue(lease.release("host.1.aaaa"));
        assertNull(redis.commands().get(LOCK));
        assertFalse(lease.release("host.1.aaaa"), "releasing twice is harmless");
    }

    @Test
    void aLeaseWithoutExpiryIsReportedAsSuch() {
        redis.commands().set(LOCK, "set-by-hand");

        LeaseAttempt.HeldByOther held = assertInstanceOf(LeaseAttempt.HeldByOther.class, lease.acquire("host.1.aaaa", TTL));

        assertEquals(new LeaseAttempt.HeldByOther("set-by-hand", Optional.empty()), held);
    }
}
