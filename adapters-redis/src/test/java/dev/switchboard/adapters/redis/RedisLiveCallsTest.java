package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.testsupport.RedisFixture;
import dev.switchboard.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisLiveCallsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private RedisConnections connections;
    private LiveCalls live;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        live = new RedisLiveCalls(connections);
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void aMarkedCallIsLiveUntilItsMarkRunsOutOnRedissClock() throws Exception {
        LiveCalls.Call a = new LiveCalls.Call("biz-1", "CA1");
        LiveCalls.Call b = new LiveCalls.Call("biz-1", "CA2");
        live.markLive(List.of(a, b), Duration.ofMillis(300));
        assertEquals(Set.of(a, b), live.live(List.of(a, b, new LiveCalls.Call("biz-1", "CA3"))));
        long pttl = redis.commands().pttl("switchboard:call:live:biz-1:CA1");
        assertTrue(pttl > 0 && pttl <= 300, "pttl " + pttl);
        live.markLive(List.of(a), Duration.ofSeconds(30));   // renewed
        Thread.sleep(500);
        assertEquals(Set.of(a), live.live(List.of(a, b)));
    }

    @Test
    void liveIsPerBusiness() {
        live.markLive(List.of(new LiveCalls.Call("biz-a", "CA9")), Duration.ofSeconds(30));
        assertTrue(live.live(List.of(new LiveCalls.Call("biz-b", "CA9"))).isEmpty());
        // A colon in a business id cannot make two businesses' keys meet.
        live.markLive(List.of(new LiveCalls.Call("x:y", "z")), Duration.ofSeconds(30));
        assertTrue(live.live(List.of(new LiveCalls.Call("x", "y:z"))).isEmpty());
    }

    @Test
    void aThousandCallsAreMarkedAndReadInChunks() {
        List<LiveCalls.Call> calls = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            calls.add(new LiveCalls.Call("biz-1", "CA-many-" + i));
        }
        live.markLive(calls, Duration.ofSeconds(30));
        assertEquals(1200, live.live(calls).size());
        assertTrue(live.live(List.of()).isEmpty());
    }

    @Test
    void anUnreachableRedisIsAnOutage() {
        try (RedisServerProcess server = RedisServerProcess.startOnFreePort();
             RedisConnections doomed = RedisConnections.connect(server.url())) {
            LiveCalls gone = new RedisLiveCalls(doomed);
            server.kill();
            assertThrows(JobStoreUnavailableException.class,
                    () -> gone.markLive(List.of(new LiveCalls.Call("biz-1", "CA1")), Duration.ofSeconds(1)));
            assertThrows(JobStoreUnavailableException.class, () -> gone.live(List.of(new LiveCalls.Call("biz-1", "CA1"))));
        }
    }
}
