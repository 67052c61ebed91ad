package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push subscriptions, reminders and webhook endpoints over real HTTP, on real Redis and
 * PostgreSQL: per-business tokens, a reason with every 4xx, and one business never sees another's
 * rows.
 */
class NotificationApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P256DH =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String A = ApiFixture.BIZ_A_TOKEN;
    private static final String B = ApiFixture.BIZ_B_TOKEN;

    private static ApiRole api;

    @BeforeAll
    static void start() {
        // The default outbound policy: https only, no private addresses.
        api = ApiRole.start(ApiFixture.config(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl())), Map.of(),
                List.of());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static void assertRefused(int status, HttpResponse<String> response, String reasonContains) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(json(response).path("error").asText().contains(reasonContains), response.body());
    }

    private static String subscription(String endpoint, String user) {
        return """
                {"endpoint":"%s","expirationTime":null,"keys":{"p256dh":"%s","auth":"%s"},"user_id":"%s"}"""
                .formatted(endpoint, P256DH, AUTH, user);
    }

    @Test
    void theVapidPublicKeyIsServedWithoutAToken() {
        HttpResponse<String> response = call("GET", "/api/push/vapid-public-key", null, null);
        assertEquals(200, response.statusCode(), response.body());
        String key = json(response).path("public_key").asText();
        assertEquals(87, key.length(), "65 bytes, base64url without padding");
        byte[] raw = java.util.Base64.getUrlDecoder().decode(key);
        assertEquals(65, raw.length);
        assertEquals(4, raw[0], "an uncompressed P-256 point");
        assertEquals(key, json(call("GET", "/api/push/vapid-public-key", null, null)).path("public_key").asText());
    }

    @Test
    void aBrowserSubscriptionIsTakenAsTheBrowserSendsItAndRemovedByItsEndpoint() {
        String endpoint = "https://fcm.googleapis.com/fcm/send/abc-" + System.nanoTime();
        HttpResponse<String> created = call("POST", "/api/push/subscriptions", A, subscription(endpoint, "ana"));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("ana", json(created).path("user_id").asText());
        assertTrue(json(created).path("active").asBoolean());
        String query = "/api/push/subscriptions?endpoint=" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8);
        assertEquals(404, call("DELETE", query, B, null).statusCode(), "another business cannot remove it");
        assertEquals(200, call("DELETE", query, A, null).statusCode());
        assertRefused(404, call("DELETE", query, A, null), "no such subscription");
    }

    @Test
    void subscriptionsToUnsafeOrMalformedEndpointsAreRefusedWithAReason() {
        assertRefused(400, call("POST", "/api/push/subscriptions", A, subscription("http://push.example.net/x", "ana")), "https");
        assertRefused(400, call("POST", "/api/push/subscriptions", A,
                subscription("https://169.254.169.254/latest/meta-data/", "ana")), "metadata");
        assertRefused(400, call("POST", "/api/push/subscriptions", A, subscription("https://[::1]/push", "ana")), "loopback");
        assertRefused(400, call("POST", "/api/push/subscriptions", A, subscription("https://10.0.0.7/push", "ana")), "private");
        assertRefused(400, call("POST", "/api/push/subscriptions", A,
                subscription("https://push.example.net/x", "ana").replace(P256DH, "BAAA")), "p256dh");
        assertRefused(400, call("POST", "/api/push/subscriptions", A,
                "{\"endpoint\":\"https://push.example.net/x\",\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"}}"),
                "user_id");
        assertRefused(400, call("POST", "/api/push/subscriptions", A, "{\"endpoint\":1,\"user_id\":\"ana\"}"), "endpoint");
        assertEquals(401, call("POST", "/api/push/subscriptions", null, subscription("https://push.example.net/x", "a")).statusCode());
    }

    @Test
    void remindersAreCreatedListedAndDeletedWithinTheirBusiness() {
        String due = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        HttpResponse<String> created = call("POST", "/api/reminders", A,
                "{\"user_id\":\"ana\",\"due_at\":\"" + due + "\",\"text\":\"Ligar para a Maria\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).path("id").asText();
        assertEquals(due, json(created).path("due_at").asText());

        JsonNode mine = json(call("GET", "/api/reminders?user_id=ana", A, null)).path("reminders");
        assertEquals(1, mine.size());
        assertEquals(id, mine.get(0).path("id").asText());
        assertEquals(0, json(call("GET", "/api/reminders", B, null)).path("reminders").size());
        assertEquals(200, call("GET", "/api/reminders/" + id, A, null).statusCode());
        assertRefused(404, call("GET", "/api/reminders/" + id, B, null), "no such reminder");
        assertRefused(404, call("DELETE", "/api/reminders/" + id, B, null), "no such reminder");
        assertEquals(200, call("DELETE", "/api/reminders/" + id, A, null).statusCode());
        assertEquals(404, call("GET", "/api/reminders/" + id, A, null).statusCode());
        assertEquals(404, call("GET", "/api/reminders/not-a-uuid", A, null).statusCode());
    }

    @Test
    void badRemindersAreRefusedWithAReason() {
        String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        assertRefused(400, call("POST", "/api/reminders", A, "{\"user_id\":\"ana\",\"due_at\":\"" + past + "\",\"text\":\"x\"}"),
                "past");
        assertRefused(400, call("POST", "/api/reminders", A, "{\"user_id\":\"ana\",\"due_at\":\"tomorrow\",\"text\":\"x\"}"),
                "ISO-8601");
        assertRefused(400, call("POST", "/api/reminders", A, "{\"user_id\":\"ana\",\"due_at\":\"" + future + "\"}"), "text");
        assertRefused(400, call("POST", "/api/reminders", A, "{\"user_id\":\"ana\",\"due_at\":\"" + future
                + "\",\"text\":\"x\",\"lead_id\":\"00000000-0000-0000-0000-000000000000\"}"), "no lead");
        assertRefused(400, call("POST", "/api/reminders", A, "{\"user_id\":\"ana\",\"due_at\":\"" + future
                + "\",\"text\":\"x\",\"color\":\"red\"}"), "unknown field");
    }

    @Test
    void aWebhookEndpointShowsItsSecretOnceAndStaysWithinItsBusiness() {
        HttpResponse<String> created = call("POST", "/api/webhooks", A,
                "{\"url\":\"https://hooks.example.com/n8n/webhook/abc\",\"events\":[\"lead.created\",\"reminder.sent\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).path("id").asText();
        assertTrue(json(created).path("secret").asText().startsWith("whsec_"));

        HttpResponse<String> list = call("GET", "/api/webhooks", A, null);
        assertEquals(1, json(list).path("webhooks").size());
        assertFalse(list.body().contains("whsec_"), "the secret is shown at creation only");
        JsonNode one = json(call("GET", "/api/webhooks/" + id, A, null));
        assertEquals(0, one.path("deliveries").size());
        assertTrue(one.path("active").asBoolean());
        assertEquals(0, json(call("GET", "/api/webhooks", B, null)).path("webhooks").size());
        assertRefused(404, call("GET", "/api/webhooks/" + id, B, null), "no such webhook");
        assertRefused(404, call("DELETE", "/api/webhooks/" + id, B, null), "no such webhook");
        assertEquals(200, call("DELETE", "/api/webhooks/" + id, A, null).statusCode());
    }

    @Test
    void theFiftyFirstWebhookOfABusinessIs409AndWritesNothing() {
        String path = "/api/webhooks?business_id=biz-limit-" + java.util.UUID.randomUUID();
        String body = "{\"url\":\"https://hooks.example.com/limit\",\"events\":[\"lead.created\"]}";
        for (int i = 0; i < 50; i++) {
            assertEquals(201, call("POST", path, ApiFixture.ADMIN_TOKEN, body).statusCode());
        }
        assertRefused(409, call("POST", path, ApiFixture.ADMIN_TOKEN, body), "at most 50 webhook endpoints");
        assertEquals(50, json(call("GET", path, ApiFixture.ADMIN_TOKEN, null)).path("webhooks").size());
    }

    /**
     * Input the CRM store cannot hold is refused where it enters, with a 400 that says why, never a
     * 500 from PostgreSQL: the NUL character (PostgreSQL's text refuses it), half of a surrogate
     * pair (the driver would write '?'), times beyond what the store can write.
     */
    @Test
    void textAndTimesTheStoreCannotHoldAre400WithAReason() {
        String future = Instant.now().plus(Duration.ofDays(1)).toString();
        assertRefused(400, call("PUT", "/api/business", A, "{\"name\":\"Acme\\u0000\",\"zone\":\"UTC\"}"),
                "name must not contain the NUL character");
        assertRefused(400, call("PUT", "/api/business", A, "{\"name\":\"Acme\",\"settings\":{\"k\\u0000\":\"v\"}}"),
                "NUL");
        assertRefused(400, call("POST", "/api/reminders", A,
                "{\"user_id\":\"ana\",\"due_at\":\"" + future + "\",\"text\":\"call \\u0000back\"}"), "text must not");
        assertRefused(400, call("POST", "/api/reminders", A,
                "{\"user_id\":\"ana\",\"due_at\":\"" + future + "\",\"text\":\"half \\ud800 pair\"}"), "surrogate");
        assertRefused(400, call("POST", "/api/push/subscriptions", A,
                subscription("https://push.example.net/wpush/nul", "ana\\u0000")), "user_id must not");
        assertRefused(400, call("GET", "/api/reminders?user_id=a%00b", A, null), "query parameter user_id");
        assertRefused(400, call("GET", "/api/reminders?from=%2B999999999-12-31T23:00:00-18:00", A, null),
                "from must be between");
        assertRefused(400, call("GET", "/api/reminders?from=%2B300000-01-01T00:00:00Z", A, null), "from must be between");
        assertEquals(200, call("GET", "/api/reminders?from=2026-01-01T00:00:00Z", A, null).statusCode());
    }

    @Test
    void aWebhookUrlWithAnUpperCaseSchemeIsStoredInItsLowerCaseForm() {
        HttpResponse<String> created = call("POST", "/api/webhooks", A,
                "{\"url\":\"HTTPS://hooks.example.com/Upper/Path\",\"events\":[\"lead.created\"]}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("https://hooks.example.com/Upper/Path", json(created).path("url").asText());
        assertEquals(200, call("DELETE", "/api/webhooks/" + json(created).path("id").asText(), A, null).statusCode());
    }

    @Test
    void webhookUrlsThatPointInsideOrAreNotHttpsAreRefused() {
        for (String url : List.of("http://hooks.example.com/x", "https://127.0.0.1/x", "https://[::ffff:127.0.0.1]/x",
                "https://169.254.169.254/", "https://user:pw@hooks.example.com/", "ftp://hooks.example.com/")) {
            assertRefused(400, call("POST", "/api/webhooks", A, "{\"url\":\"" + url + "\",\"events\":[\"lead.created\"]}"),
                    "url");
        }
        assertRefused(400, call("POST", "/api/webhooks", A, "{\"url\":\"https://hooks.example.com/\",\"events\":[]}"),
                "events");
        assertRefused(400, call("POST", "/api/webhooks", A,
                "{\"url\":\"https://hooks.example.com/\",\"events\":[\"lead.deleted\"]}"), "unknown event");
    }
}
