package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.testsupport.RedisFixture;
import dev.switchboard.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RedisPromptCache} against a real Redis: keys, TTLs on Redis's clock, business scoping, bad entries. */
class RedisPromptCacheTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private RedisConnections connections;
    private PromptCache cache;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        cache = new RedisPromptCache(connections);
    }

    @AfterEach
    void close() {
        connections.close();
    }

    static VoicePrompt prompt(String business, String text, Optional<String> lead) {
        return new VoicePrompt(business, "Acme Solar", Optional.of("We install panels.\nAsk for the roof size."),
                lead, lead.map(l -> "Maria \"Mari\" Silva"), text, "0123456789abcdef");
    }

    @Test
    void aCallsPromptAndItsBusinessesAreReadTogetherExactlyAsWritten() {
        VoicePrompt business = prompt("biz-1", "You are the phone agent of Acme Solar.", Optional.empty());
        VoicePrompt call = prompt("biz-1", "You are the phone agent of Acme Solar. The caller is Maria: ☎ ünïcode",
                Optional.of("6f1c0c1e-0000-4000-8000-000000000001"));
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("biz-1", "CA1", Duration.ofSeconds(2)));

        cache.putForBusiness(business, Duration.ofMinutes(30));
        assertEquals(new PromptCache.Lookup(Optional.empty(), Optional.of(business)),
                cache.lookup("biz-1", "CA1", Duration.ofSeconds(2)));
        cache.putForCall("CA1", call, Duration.ofMinutes(15));
        assertEquals(new PromptCache.Lookup(Optional.of(call), Optional.of(business)),
                cache.lookup("biz-1", "CA1", Duration.ofSeconds(2)));
        assertEquals(Optional.empty(), cache.lookup("biz-1", "CA2", Duration.ofSeconds(2)).call(), "another call's");

        assertTrue(redis.commands().exists("switchboard:prompt:biz-1:_") == 1);
        long pttl = redis.commands().pttl("switchboard:prompt:biz-1:call:CA1");
        assertTrue(pttl > 14 * 60_000 && pttl <= 15 * 60_000, "pttl " + pttl);
    }

    @Test
    void entriesRunOutOnRedissClock() throws Exception {
        cache.putForBusiness(prompt("biz-ttl", "p", Optional.empty()), Duration.ofMillis(200));
        assertTrue(cache.lookup("biz-ttl", "CA1", Duration.ofSeconds(2)).business().isPresent());
        Thread.sleep(400);
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("biz-ttl", "CA1", Duration.ofSeconds(2)));
    }

    @Test
    void aBusinessNeverReadsAnothersPrompts() {
        cache.putForBusiness(prompt("biz-a", "A's prompt", Optional.empty()), Duration.ofMinutes(1));
        cache.putForCall("CA9", prompt("biz-a", "A's call", Optional.empty()), Duration.ofMinutes(1));
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("biz-b", "CA9", Duration.ofSeconds(2)));
        // A colon in an id cannot make two businesses' keys meet.
        cache.putForBusiness(prompt("x:call:CA1", "p", Optional.empty()), Duration.ofMinutes(1));
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("x", "CA1", Duration.ofSeconds(2)));
        // An entry that names another business than its key's (written by hand, or a bug) is not used.
        redis.commands().set("switchboard:prompt:biz-c:_", new String(RedisPromptCache.encode(
                prompt("biz-a", "A's prompt", Optional.empty())), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("biz-c", "CA1", Duration.ofSeconds(2)));
    }

    @Test
    void anEntryThatIsNotAPromptCountsAsAbsent() {
        redis.commands().set("switchboard:prompt:biz-bad:_", "not json");
        redis.commands().set("switchboard:prompt:biz-bad:call:CA1", "{\"business_id\":\"biz-bad\"}");
        assertEquals(PromptCache.Lookup.NOTHING, cache.lookup("biz-bad", "CA1", Duration.ofSeconds(2)));
    }

    @Test
    void aLookupWaitsNoLongerThanItIsAllowed() {
        try (RedisServerProcess server = RedisServerProcess.startOnFreePort();
             RedisConnections paused = RedisConnections.connect(server.url())) {
            PromptCache slow = new RedisPromptCache(paused);
            RedisClient admin = RedisClient.create(server.url());
            try (StatefulRedisConnection<String, String> other = admin.connect()) {
                other.sync().clientPause(2_000);   // Redis answers nobody for 2 s
                long start = System.nanoTime();
                assertThrows(JobStoreUnavailableException.class, () -> slow.lookup("biz-1", "CA1", Duration.ofMillis(100)));
                long waited = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waited < 1_500, "gave up after its wait, not Redis's pause: " + waited + " ms");
            } finally {
                admin.shutdown();
            }
        }
    }

    @Test
    void anUnreachableRedisIsAnOutage() {
        try (RedisServerProcess server = RedisServerProcess.startOnFreePort();
             RedisConnections doomed = RedisConnections.connect(server.url())) {
            PromptCache gone = new RedisPromptCache(doomed);
            server.kill();
            assertThrows(JobStoreUnavailableException.class, () -> gone.lookup("biz-1", "CA1", Duration.ofSeconds(3)));
            assertThrows(JobStoreUnavailableException.class,
                    () -> gone.putForBusiness(prompt("biz-1", "p", Optional.empty()), Duration.ofMinutes(1)));
        }
    }
}
