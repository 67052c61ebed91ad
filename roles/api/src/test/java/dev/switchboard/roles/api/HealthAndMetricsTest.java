package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/jobs/health} and {@code /metrics}, over real HTTP against a real Redis. */
class HealthAndMetricsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(redis.url());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static void schedulerTicked(Instant when) {
        // What the scheduler role writes each tick (see RedisSchedulerTicks): the tick time, and its lease.
        redis.commands().set("scheduler:last_tick", when.toString());
        redis.commands().set("scheduler:global_lock", "scheduler-test-owner");
        redis.commands().pexpire("scheduler:global_lock", 45_000);
    }

    @Test
    void healthyWhenTheSchedulerTicksAndCountsEveryQueue() throws Exception {
        schedulerTicked(Instant.now());
        api.postWebhook(ApiFixture.message("t", "H1", "x"));

        HttpResponse<String> response = api.get("/api/jobs/health");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("healthy", body.path("status").asText());
        assertEquals(1, body.path("queues").path("default").path("queued").asInt());
        assertTrue(body.path("queues").path("default").path("oldest_queued_age_s").isNumber());
        assertTrue(body.path("queues").has("recordings"));
        assertTrue(body.path("scheduler").path("lock_held").asBoolean());
        assertEquals("scheduler-test-owner", body.path("scheduler").path("lock_owner").asText());
        assertTrue(body.path("scheduler").path("lock_ttl").asDouble() > 40);
    }

    @Test
    void unhealthyWhenTheSchedulerMissedThreeTicks() throws Exception {
        schedulerTicked(Instant.now().minusSeconds(46));
        HttpResponse<String> response = api.get("/api/jobs/health");
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("unhealthy", json(response).path("status").asText());
    }

    @Test
    void unhealthyWhenRedisIsDown() throws Exception {
        redis.process().kill();
        try {
            HttpResponse<String> response = api.get("/api/jobs/health");
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("unhealthy", json(response).path("status").asText());
            assertEquals(200, api.get("/health").statusCode(), "liveness does not depend on Redis");
        } finally {
            redis.process().start();
        }
    }

    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    @Test
    void metricsExposeQueueDepthsEnqueueOutcomesAndLatency() {
        String enqueued = "switchboard_jobs_enqueue_total{job=\"webhook_process_job\",outcome=\"enqueued\"}";
        String duplicate = "switchboard_jobs_enqueue_total{job=\"webhook_process_job\",outcome=\"duplicate\"}";
        String rejected = "switchboard_jobs_enqueue_total{job=\"webhook_process_job\",outcome=\"rejected\"}";
        String before = api.get("/metrics").body();

        api.postWebhook(ApiFixture.message("t", "M1", "x"));
        api.postWebhook(ApiFixture.message("t", "M1", "x"));
        api.postWebhook("{broken");

        HttpResponse<String> response = api.get("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = response.body();
        assertEquals(1.0, value(text, enqueued) - value(before, enqueued), text);
        assertEquals(1.0, value(text, duplicate) - value(before, duplicate), text);
        assertEquals(1.0, value(text, rejected) - value(before, rejected), text);
        assertEquals(redis.commands().llen("rq:queue:default"),
                value(text, "switchboard_queue_jobs{queue=\"default\",state=\"queued\"}"), 0.0, text);
        assertTrue(text.contains("switchboard_http_request_duration_seconds_bucket{method=\"POST\",route=\"/webhook/whatsapp/incoming\",status=\"200\""), text);
        assertTrue(text.contains("switchboard_queue_oldest_job_age_seconds{queue=\"default\"}"), text);
    }
}
