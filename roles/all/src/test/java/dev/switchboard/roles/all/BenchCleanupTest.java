package dev.switchboard.roles.all;

import dev.switchboard.roles.api.ApiRole;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench webhooks} and {@code bench abuse} post as the reserved bench business and leave
 * nothing of it behind in the api's Redis (before, a run left every job it caused, queued with no
 * TTL); a real business's job beside them is untouched.
 */
class BenchCleanupTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final String SECRET = "bench-secret-0123456789abcdef-0123456789";

    @Test
    void theWebhookBenchmarksDeleteEveryJobTheyCausedAndNothingElse() throws Exception {
        RoleConfig config = RoleConfig.fromEnvironment(Map.of("SERVICE_ROLE", "api", "REDIS_URL", redis.url(),
                "PORT", "0", "LOG_LEVEL", "WARN", "INTERNAL_WEBHOOK_SECRET", SECRET));
        try (ApiRole api = ApiRole.start(config)) {
            String base = "http://127.0.0.1:" + api.port();
            HttpResponse<String> keep = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(base + "/webhook/whatsapp/incoming"))
                    .header("Content-Type", "application/json").header("X-Internal-Secret", SECRET)
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"tenantId":"keep","payload":{"type":"notify","messages":[{"key":{"remoteJid":\
                            "5511999990000@s.whatsapp.net","fromMe":false,"id":"KEEP-1"},"message":{"conversation":"hi"}}]}}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, keep.statusCode(), keep.body());
            String keptJob = redis.commands().lindex("rq:queue:default", 0);

            String webhooks = bench("webhooks", "--api-url", base, "--secret", SECRET, "--redis-url", redis.url(),
                    "--seconds", "2", "--concurrency", "4");
            String abuse = bench("abuse", "--api-url", base, "--secret", SECRET, "--redis-url", redis.url(),
                    "--seconds", "2", "--rate", "50", "--slow-connections", "100", "--scrapes", "20");
            System.out.println(webhooks + abuse);

            assertTrue(figure(webhooks, "requests") > 0, webhooks);
            assertEquals(figure(webhooks, "requests"), figure(webhooks, "bench_jobs_deleted"), webhooks);
            assertTrue(figure(abuse, "webhooks_answered") > 0, abuse);
            assertEquals(0, figure(abuse, "abused_errors"), abuse);
            assertTrue(figure(abuse, "bench_jobs_deleted") >= figure(abuse, "webhooks_answered"), abuse);
            assertTrue(abuse.contains("p99_ratio_to_baseline="), abuse);

            assertEquals(java.util.List.of(keptJob), redis.commands().lrange("rq:queue:default", 0, -1),
                    "the queue holds the real business's job and nothing of the bench");
            assertEquals(java.util.List.of("rq:job:" + keptJob), redis.commands().keys("rq:job:*"));
            assertEquals(1, redis.commands().keys("job_lock:*").size(), "only the real job's dedupe key");
            assertEquals(java.util.List.of(), redis.commands().keys("switchboard:jobs:_bench*"));
            assertEquals(java.util.List.of(), redis.commands().keys("switchboard:rate:_bench"));
            assertEquals("keep", redis.commands().hget("rq:job:" + keptJob, "business_id"));
        }
    }

    private static String bench(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Bench.run(args), "bench " + String.join(" ", args));
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static double figure(String output, String name) {
        return output.lines().filter(l -> l.startsWith(name + "=")).findFirst()
                .map(l -> Double.parseDouble(l.substring(name.length() + 1))).orElse(-1.0);
    }
}
