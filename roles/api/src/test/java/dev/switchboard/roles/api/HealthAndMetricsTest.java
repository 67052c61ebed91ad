package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.JobRequest;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
        waitForAFreshReading(); // health shares a reading that may be up to a second old

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
        waitForAFreshReading();
        HttpResponse<String> response = api.get("/api/jobs/health");
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("unhealthy", json(response).path("status").asText());
    }

    @Test
    void unhealthyWhenRedisIsDown() throws Exception {
        redis.process().kill();
        waitForAFreshReading();
        try {
            HttpResponse<String> response = api.get("/api/jobs/health");
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("unhealthy", json(response).path("status").asText());
            assertEquals(200, api.get("/health").statusCode(), "liveness does not depend on Redis");
        } finally {
            redis.process().start();
            // Leave the api connected again for the next test (Lettuce reconnects on its own).
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (api.get("/api/jobs/health").body().contains("Redis unreachable") && System.nanoTime() < deadline) {
                waitForAFreshReading();
            }
        }
    }

    /** Calls per command since the server started, from INFO commandstats (commands run by scripts included). */
    private static java.util.Map<String, Long> commandCalls() {
        java.util.Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : redis.commands().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String field = line.substring(line.indexOf("calls=") + "calls=".length());
                calls.put(name, Long.parseLong(field.substring(0, field.indexOf(','))));
            }
        }
        return calls;
    }

    private static long callsSince(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        long total = 0;
        for (var entry : after.entrySet()) {
            if (!entry.getKey().equals("info")) {
                total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            }
        }
        return total;
    }

    /**
     * 50 scrapes of /metrics and 50 of /api/jobs/health at once cost Redis what one reading costs,
     * give or take the second boundary: before, each /metrics scrape ran about 145 commands one
     * round trip at a time and each health check about 50, so this flood cost some 10,000.
     */
    @Test
    void aHundredParallelScrapesCostTheStoreAboutOneReading() throws Exception {
        schedulerTicked(Instant.now());
        assertEquals(200, api.postWebhook(ApiFixture.message("t", "C1", "x")).statusCode());
        api.get("/metrics"); // scripts loaded (an earlier test may have restarted Redis)
        Thread.sleep(1_100); // and that reading aged out
        var before = commandCalls();
        assertEquals(200, api.get("/metrics").statusCode());
        var afterOne = commandCalls();
        long oneReading = callsSince(before, afterOne);
        assertEquals(1, afterOne.getOrDefault("evalsha", 0L) - before.getOrDefault("evalsha", 0L),
                "one scrape is one call: " + before + " -> " + afterOne);
        Thread.sleep(1_100);

        var start = commandCalls();
        long began = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String path = i % 2 == 0 ? "/metrics" : "/api/jobs/health";
            scrapes.add(api.http.sendAsync(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(30)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> scrape : scrapes) {
            HttpResponse<String> response = scrape.join();
            assertEquals(200, response.statusCode(), response.body());
            if (response.uri().getPath().equals("/metrics")) {
                assertEquals(1.0, value(response.body(), "switchboard_queue_jobs{queue=\"default\",state=\"queued\"}"));
            } else {
                assertEquals(1, json(response).path("queues").path("default").path("queued").asInt());
            }
        }
        var end = commandCalls();
        // At most one reading per second the flood lasted (a reading is kept one second), and one more.
        long allowed = (System.nanoTime() - began) / 1_000_000_000L + 2;
        long readings = end.getOrDefault("evalsha", 0L) - start.getOrDefault("evalsha", 0L);
        long commands = callsSince(start, end);
        System.out.println("100 parallel scrapes: " + readings + " reading(s), " + commands
                + " Redis commands (one reading: " + oneReading + "), " + allowed + " readings allowed");
        assertTrue(readings >= 1 && readings <= allowed, "readings: " + readings + ", allowed " + allowed);
        assertTrue(commands <= readings * oneReading, commands + " commands for 100 scrapes, one reading is " + oneReading);
        assertTrue(allowed < 20, "the flood took " + allowed + " s: too slow to tell anything");
    }

    /** What the workers record as they settle attempts is exported per job type. */
    @Test
    void metricsExportPerJobTypeAttemptCountsAndDurationHistograms() {
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, Clock.systemUTC());
            RedisJobClaims claims = new RedisJobClaims(connections, Clock.systemUTC());
            for (int i = 0; i < 3; i++) {
                queue.enqueue(JobRequest.of("noop_job", "default", Map.of(), "biz-a", "metrics-" + i));
            }
            claims.complete(claims.claim("w1", List.of("default"), Duration.ofMinutes(1)).orElseThrow(), null,
                    Duration.ofMillis(40), Optional.empty());
            claims.complete(claims.claim("w1", List.of("default"), Duration.ofMinutes(1)).orElseThrow(), null,
                    Duration.ofMillis(3_000), Optional.empty());
            claims.fail(claims.claim("w1", List.of("default"), Duration.ofMinutes(1)).orElseThrow(),
                    AttemptFailure.of("boom", "trace"), Duration.ofMillis(7), Optional.empty());
        }
        waitForAFreshReading();
        String text = api.get("/metrics").body();

        assertEquals(2.0, value(text, "switchboard_job_attempts_total{job=\"noop_job\",outcome=\"succeeded\"}"), text);
        assertEquals(1.0, value(text, "switchboard_job_attempts_total{job=\"noop_job\",outcome=\"failed\"}"), text);
        assertEquals(1.0, value(text, "switchboard_job_duration_seconds_bucket{job=\"noop_job\",le=\"0.01\"}"), text);
        assertEquals(2.0, value(text, "switchboard_job_duration_seconds_bucket{job=\"noop_job\",le=\"0.05\"}"), text);
        assertEquals(3.0, value(text, "switchboard_job_duration_seconds_bucket{job=\"noop_job\",le=\"5.0\"}"), text);
        assertEquals(3.0, value(text, "switchboard_job_duration_seconds_count{job=\"noop_job\"}"), text);
        assertEquals(3.047, value(text, "switchboard_job_duration_seconds_sum{job=\"noop_job\"}"), 1e-9, text);
        assertEquals(0.0, value(text, "switchboard_job_duration_seconds_count{job=\"webhook_process_job\"}"), text);
    }

    private static void waitForAFreshReading() {
        try {
            Thread.sleep(1_100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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
        waitForAFreshReading();

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
