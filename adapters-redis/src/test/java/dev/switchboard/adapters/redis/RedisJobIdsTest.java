package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids of deduplicated jobs are keyed: stable for one secret, not computable from the dedupe key alone. */
class RedisJobIdsTest {
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

    private static JobRequest push(String key) {
        return JobRequest.of("push_send_job", "default", Map.of("n", 1), "biz-1", "trace-1")
                .withDedupe(key, Duration.ofMinutes(10));
    }

    @Test
    void aDeduplicatedJobsIdIsAnHmacOfItsKeyNotAPlainHash() throws Exception {
        String key = "push:notification:biz-1:n-1";
        String id = new RedisJobQueue(connections, Clock.systemUTC(), Optional.of("x".repeat(32))).enqueue(push(key)).jobId();
        String plain = "push_send_job-" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
        assertTrue(id.startsWith("push_send_job-"), id);
        assertNotEquals(plain, id, "anyone who guesses the key could compute a plain hash");
        assertEquals(id, new RedisJobQueue(connections, Clock.systemUTC(), Optional.of("x".repeat(32)))
                .enqueue(push(key)).jobId(), "the same secret derives the same id (a retry is a duplicate)");
        assertEquals(id, RedisJobIds.load(connections, Optional.of("x".repeat(32))).jobIdFor("push_send_job", key));
        assertNotEquals(id, RedisJobIds.load(connections, Optional.of("y".repeat(32))).jobIdFor("push_send_job", key),
                "another secret, other ids");
    }

    @Test
    void withoutAConfiguredSecretOneIsGeneratedOnceAndSharedThroughRedis() {
        redis.commands().del(RedisKeys.JOB_ID_SECRET);
        RedisJobIds first = RedisJobIds.load(connections, Optional.empty());
        String kept = redis.commands().get(RedisKeys.JOB_ID_SECRET);
        assertNotNull(kept);
        assertEquals(64, kept.length(), "32 random bytes, hex");
        try (RedisConnections another = RedisConnections.connect(redis.url())) {
            RedisJobIds second = RedisJobIds.load(another, Optional.empty());
            assertEquals(first.jobIdFor("push_send_job", "k"), second.jobIdFor("push_send_job", "k"),
                    "a second process derives the same ids");
        }
        assertEquals(kept, redis.commands().get(RedisKeys.JOB_ID_SECRET), "never replaced");
    }
}
