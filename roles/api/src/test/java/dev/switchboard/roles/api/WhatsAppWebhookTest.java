package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhatsAppWebhookTest {
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

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static long queued() {
        return ApiFixture.queueKeys().stream().mapToLong(k -> redis.commands().llen(k)).sum();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String reasonPart) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(json(response).path("error").asText().contains(reasonPart),
                "reason '" + reasonPart + "' in " + response.body());
        assertEquals(0, queued(), "nothing enqueued");
        assertEquals(0, redis.commands().keys("rq:job:*").size(), "no job written");
    }

    @Test
    void duplicateWebhookEnqueuesOneJob() {
        String body = ApiFixture.message("t_42", "3EB0C431C26A1916E5D3A7", "Oi");

        HttpResponse<String> first = api.postWebhook(body);
        HttpResponse<String> second = api.postWebhook(body);

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(1, json(first).path("enqueued").asInt());
        assertEquals(0, json(first).path("duplicates").asInt());
        assertEquals(200, second.statusCode());
        assertEquals(0, json(second).path("enqueued").asInt());
        assertEquals(1, json(second).path("duplicates").asInt());
        assertEquals(1L, redis.commands().llen("rq:queue:default"));
        String jobId = redis.commands().lindex("rq:queue:default", 0);
        Map<String, String> job = redis.commands().hgetall("rq:job:" + jobId);
        assertEquals("queued", job.get("status"));
        assertEquals("t_42", job.get("business_id"));
        assertEquals(json(first).path("trace_id").asText(), job.get("trace_id"));
        assertEquals(jobId, redis.commands().get("job_lock:webhook:baileys:t_42:5511999990000@s.whatsapp.net:3EB0C431C26A1916E5D3A7"));
    }

    @Test
    void eachMessageOfADeliveryBecomesOneJob() {
        String body = """
                {"tenantId":"t1","payload":{"type":"notify","messages":[
                  {"key":{"remoteJid":"551100000001@s.whatsapp.net","id":"A1"},"message":{"conversation":"a"}},
                  {"key":{"remoteJid":"551100000002@s.whatsapp.net","id":"A2"},"message":{"extendedTextMessage":{"text":"b"}}},
                  {"key":{"remoteJid":"status@broadcast","id":"S1"},"message":{"conversation":"status"}}]}}""";

        HttpResponse<String> response = api.postWebhook(body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(2, json(response).path("enqueued").asInt());
        assertEquals(1, json(response).path("ignored").asInt());
        assertEquals(2L, redis.commands().llen("rq:queue:default"));
    }

    @Test
    void sameMessageIdOfAnotherBusinessIsNotADuplicate() {
        api.postWebhook(ApiFixture.message("biz-a", "SAME-ID", "x"));
        HttpResponse<String> other = api.postWebhook(ApiFixture.message("biz-b", "SAME-ID", "x"));

        assertEquals(1, json(other).path("enqueued").asInt());
        assertEquals(2L, redis.commands().llen("rq:queue:default"));
    }

    @Test
    void traceIdComesFromXRequestId() {
        HttpResponse<String> response = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/webhook/whatsapp/incoming"))
                .header("X-Internal-Secret", ApiFixture.SECRET).header("Content-Type", "application/json")
                .header("X-Request-Id", "req-123")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ApiFixture.message("t", "T1", "x"))).build());

        assertEquals("req-123", json(response).path("trace_id").asText());
        String jobId = redis.commands().lindex("rq:queue:default", 0);
        assertEquals("req-123", redis.commands().hget("rq:job:" + jobId, "trace_id"));
    }

    @Test
    void wrongSecretIsRefusedAndEnqueuesNothing() {
        assertRefused(api.postWebhook(ApiFixture.message("t", "X1", "x"), "wrong", "application/json"),
                401, "X-Internal-Secret");
    }

    @Test
    void missingSecretIsRefusedAndEnqueuesNothing() {
        assertRefused(api.postWebhook(ApiFixture.message("t", "X1", "x"), null, "application/json"),
                401, "X-Internal-Secret");
    }

    @Test
    void malformedJsonIsRefused() {
        assertRefused(api.postWebhook("{\"tenantId\": \"t\", \"payload\": {"), 400, "malformed JSON");
    }

    @Test
    void missingTenantIsRefused() {
        assertRefused(api.postWebhook("{\"payload\":{\"messages\":[{\"key\":{\"remoteJid\":\"1@s.whatsapp.net\",\"id\":\"a\"}}]}}"),
                400, "tenantId is required");
    }

    @Test
    void missingMessageIdIsRefused() {
        assertRefused(api.postWebhook("{\"tenantId\":\"t\",\"payload\":{\"messages\":[{\"key\":{\"remoteJid\":\"1@s.whatsapp.net\"}}]}}"),
                400, "payload.messages[0].key.id is required");
    }

    @Test
    void oneBadMessageRejectsTheWholeDelivery() {
        String body = """
                {"tenantId":"t1","payload":{"messages":[
                  {"key":{"remoteJid":"551100000001@s.whatsapp.net","id":"A1"}},
                  {"key":{"remoteJid":"not-a-jid","id":"A2"}}]}}""";
        assertRefused(api.postWebhook(body), 400, "payload.messages[1].key.remoteJid");
    }

    @Test
    void unknownTopLevelFieldIsRefused() {
        assertRefused(api.postWebhook("{\"tenantId\":\"t\",\"payload\":{\"messages\":[]},\"admin\":true}"),
                400, "unknown field 'admin'");
    }

    @Test
    void wrongContentTypeIsRefused() {
        assertRefused(api.postWebhook(ApiFixture.message("t", "X1", "x"), ApiFixture.SECRET, "text/plain"),
                415, "application/json");
    }

    @Test
    void missingContentTypeIsRefused() {
        assertRefused(api.postWebhook(ApiFixture.message("t", "X1", "x"), ApiFixture.SECRET, null),
                415, "application/json");
    }

    @Test
    void bodyOverOneMebibyteIsRefused() {
        String padding = "x".repeat(1024 * 1024);
        assertRefused(api.postWebhook(ApiFixture.message("t", "BIG", padding)), 413, "1 MiB");
    }

    @Test
    void healthAnswersOnceReady() {
        HttpResponse<String> response = api.get("/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok", json(response).path("status").asText());
    }

    @Test
    void redisDownAnswers503WithRetryAfterAndRecovers() {
        redis.process().kill();
        try {
            HttpResponse<String> response = api.postWebhook(ApiFixture.message("t", "DOWN-1", "x"));
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("5", response.headers().firstValue("Retry-After").orElse(""));
            assertTrue(json(response).path("error").asText().contains("unavailable"));
        } finally {
            redis.process().start();
        }
        HttpResponse<String> retried = awaitStatus(ApiFixture.message("t", "DOWN-1", "x"), 200);
        assertEquals(1, json(retried).path("enqueued").asInt());
    }

    private static HttpResponse<String> awaitStatus(String body, int status) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        HttpResponse<String> last;
        do {
            last = api.postWebhook(body);
            if (last.statusCode() == status) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("still " + last.statusCode() + ": " + last.body());
    }
}
