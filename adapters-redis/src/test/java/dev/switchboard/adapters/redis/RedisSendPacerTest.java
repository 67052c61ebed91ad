package dev.switchboard.adapters.redis;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broadcast pace: one bucket per business in Redis, shared by every pacer (every worker). */
class RedisSendPacerTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private RedisConnections connections;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void aBusinessSendsOneMessagePerSlotWhoeverAsksAndAnotherBusinessHasItsOwn() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        // Two pacers stand for two workers running broadcasts of the same business.
        RedisSendPacer one = new RedisSendPacer(connections, 0.2);
        RedisSendPacer other = new RedisSendPacer(connections, 0.2);
        assertTrue(one.await(business, Duration.ZERO), "the first slot is free");
        assertFalse(other.await(business, Duration.ZERO), "the next is five seconds away, for every worker");
        assertFalse(one.await(business, Duration.ofMillis(50)));
        assertTrue(one.await("biz-" + UUID.randomUUID(), Duration.ZERO), "another business is not held up");
        assertTrue(redis.commands().exists(RedisKeys.broadcastPace(business)) == 1);
        assertEquals(0, redis.commands().exists(RedisKeys.rate(business)), "not the api's enqueue quota");
    }

    @Test
    void aWaiterGetsTheSlotWhenItComes() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        RedisSendPacer pacer = new RedisSendPacer(connections, 20);
        int taken = 0;
        for (int i = 0; i < 5; i++) {
            taken += pacer.await(business, Duration.ofSeconds(10)) ? 1 : 0;
        }
        assertEquals(5, taken);
    }

    @Test
    void waitingIsInterruptible() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        RedisSendPacer pacer = new RedisSendPacer(connections, 0.01);
        assertTrue(pacer.await(business, Duration.ZERO));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(new AssertionError("returned " + pacer.await(business, Duration.ofMinutes(5))));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        Thread.sleep(100);
        waiter.interrupt();
        waiter.join(Duration.ofSeconds(10));
        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void aRateOutsideWhatTheBucketCanPaceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RedisSendPacer(connections, 0));
        assertThrows(IllegalArgumentException.class, () -> new RedisSendPacer(connections, -1));
        assertThrows(IllegalArgumentException.class, () -> new RedisSendPacer(connections, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RedisSendPacer(connections, 1001));
    }
}
