package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/broadcasts} and {@code GET /api/broadcasts/{run}} over real HTTP on real Redis
 * and PostgreSQL (no worker: what is checked is what the api writes and shows): 202 with the run
 * and its one job, a reason with every 4xx and nothing written, one business never sees another's
 * run, and cancelling the run marks it cancelled and announces it.
 */
class BroadcastApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = ApiFixture.BIZ_A_TOKEN;
    private static final String B = ApiFixture.BIZ_B_TOKEN;

    private static ApiRole api;
    private static PostgresStore store;

    @BeforeAll
    static void start() {
        api = ApiRole.start(ApiFixture.config(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl())), Map.of(),
                List.of());
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
    }

    @AfterAll
    static void stop() {
        api.close();
        store.close();
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
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

    private static String body(String runId, String message, String... phones) {
        return JSON.createObjectNode().put("run_id", runId).put("message", message)
                .set("recipients", JSON.valueToTree(List.of(phones))).toString();
    }

    private static long jobsWritten() {
        return redis.commands().keys("rq:job:*").size();
    }

    @Test
    void aBroadcastIsAcceptedWithItsRunAndOneJobCancellableByTheRun() {
        HttpResponse<String> response = call("POST", "/api/broadcasts", A,
                body("natal-1", "Feliz Natal!", "+5511911110001", "5511911110002", "+5511911110001"));
        assertEquals(202, response.statusCode(), response.body());
        JsonNode started = json(response);
        assertEquals("natal-1", started.path("run_id").asText());
        assertEquals(2, started.path("total").asInt(), "a number given twice is one recipient");
        assertEquals("queued", started.path("status").asText());
        assertFalse(started.path("duplicate").asBoolean());
        String jobId = started.path("job_id").asText();
        assertTrue(redis.commands().lrange("rq:queue:broadcasts", 0, -1).contains(jobId));
        assertEquals("broadcast_job", jobName(jobId));
        JsonNode job = json(call("GET", "/api/jobs/" + jobId, A, null));
        assertEquals("natal-1", job.path("run_id").asText(), "the run id cancels it");
        assertEquals("biz-a", job.path("business_id").asText());

        JsonNode shown = json(call("GET", "/api/broadcasts/natal-1", A, null));
        assertEquals("queued", shown.path("state").asText());
        assertEquals(2, shown.path("total").asInt());
        assertEquals(0, shown.path("sent").asInt());
        assertEquals(0, shown.path("failed").asInt());
        assertEquals(2, shown.path("remaining").asInt());
        assertEquals(0, shown.path("progress").asInt());
        assertEquals(jobId, shown.path("job_id").asText());
        assertEquals("queued", shown.path("job_status").asText());
        assertEquals("Feliz Natal!", shown.path("message").asText());
    }

    /** The job's name as the job API shows it. */
    private static String jobName(String jobId) {
        return json(call("GET", "/api/jobs/" + jobId, A, null)).path("name").asText();
    }

    @Test
    void aRetriedRequestGetsTheSameRunAndJobAndARunIdIsAssignedWhenNoneIsGiven() {
        HttpResponse<String> first = call("POST", "/api/broadcasts", A, body("natal-2", "Oi", "+5511911110001"));
        HttpResponse<String> again = call("POST", "/api/broadcasts", A, body("natal-2", "Oi", "+5511911110001"));
        assertEquals(202, again.statusCode(), again.body());
        assertTrue(json(again).path("duplicate").asBoolean());
        assertEquals(json(first).path("job_id").asText(), json(again).path("job_id").asText());
        assertEquals(1, redis.commands().lrange("rq:queue:broadcasts", 0, -1).stream()
                .filter(id -> id.equals(json(again).path("job_id").asText())).count());

        HttpResponse<String> unnamed = call("POST", "/api/broadcasts", A, "{\"message\":\"Oi\",\"recipients\":[\"+5511911110001\"]}");
        assertEquals(202, unnamed.statusCode(), unnamed.body());
        String runId = json(unnamed).path("run_id").asText();
        assertTrue(runId.startsWith("bc-"), runId);
        assertEquals(200, call("GET", "/api/broadcasts/" + runId, A, null).statusCode());
    }

    @Test
    void aLeadFilterReachesTheBusinesssMatchingLeads() {
        for (String phone : List.of("+5511922220001", "+5511922220002")) {
            store.leads().upsert(new LeadContact("biz-a", Optional.of(phone), Optional.empty(), Optional.empty(),
                    Optional.empty(), "filter-test"));
        }
        store.leads().upsert(new LeadContact("biz-b", Optional.of("+5511922220003"), Optional.empty(), Optional.empty(),
                Optional.empty(), "filter-test"));
        HttpResponse<String> response = call("POST", "/api/broadcasts", A,
                "{\"run_id\":\"leads-1\",\"message\":\"Oi\",\"filter\":{\"source\":\"filter-test\",\"status\":\"new\"}}");
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(2, json(response).path("total").asInt(), "biz-b's lead is not biz-a's audience");
    }

    @Test
    void badRequestsAre4xxWithAReasonAndWriteNothing() {
        long jobsBefore = jobsWritten();
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(String.format("+55119%08d", i));
        }
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("{\"recipients\":[\"+5511911110001\"]}", "message is required");
        refusals.put(body("bad-1", "x".repeat(4097), "+5511911110001"), "message must be 1..4096");
        refusals.put(body("bad-2", "Oi", "+5511911110001", "011 9999"), "recipients[1]");
        refusals.put(body("bad-3", "Oi"), "recipients must hold 1..10000");
        refusals.put(body("bad-4", "Oi", tooMany.toArray(String[]::new)), "more than 10000");
        refusals.put("{\"message\":\"Oi\"}", "either recipients");
        refusals.put("{\"message\":\"Oi\",\"recipients\":[\"+5511911110001\"],\"filter\":{}}", "not both");
        refusals.put("{\"message\":\"Oi\",\"recipients\":\"+5511911110001\"}", "array of strings");
        refusals.put("{\"message\":\"Oi\",\"filter\":{\"tag\":\"vip\"}}", "unknown field 'filter.tag'");
        refusals.put("{\"message\":\"Oi\",\"filter\":{\"status\":\"nobody-has-this\"}}", "matches no lead");
        refusals.put("{\"message\":\"Oi\",\"filter\":\"vip\"}", "filter must be an object");
        refusals.put("{\"message\":\"Oi\",\"recipients\":[\"+5511911110001\"],\"run_id\":\"a b\"}", "run_id must be");
        refusals.put("{\"message\":\"Oi\",\"recipients\":[\"+5511911110001\"],\"at\":1}", "unknown field 'at'");
        refusals.put("[1]", "body must be a JSON object");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> response = call("POST", "/api/broadcasts", A, refusal.getKey());
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(json(response).path("error").asText().contains(refusal.getValue()),
                    "expected '" + refusal.getValue() + "' in " + response.body());
        }
        assertEquals(401, call("POST", "/api/broadcasts", null, body("bad-5", "Oi", "+5511911110001")).statusCode());
        assertEquals(jobsBefore, jobsWritten(), "no job was written");
        for (String run : List.of("bad-1", "bad-2", "bad-3", "bad-4", "bad-5")) {
            assertEquals(404, call("GET", "/api/broadcasts/" + run, A, null).statusCode(), run);
        }
    }

    @Test
    void anotherBusinessSeesNoRunAndCannotCancelIt() {
        call("POST", "/api/broadcasts", A, body("natal-3", "Oi", "+5511911110001"));
        HttpResponse<String> theirs = call("GET", "/api/broadcasts/natal-3", B, null);
        assertEquals(404, theirs.statusCode());
        assertEquals("no such broadcast", json(theirs).path("error").asText());
        assertEquals(json(call("GET", "/api/broadcasts/nope", B, null)), json(theirs), "as if it did not exist");
        assertEquals(0, json(call("POST", "/api/runs/natal-3/cancel", B, null)).path("canceled").asInt());
        assertEquals("queued", json(call("GET", "/api/broadcasts/natal-3", A, null)).path("state").asText());
        assertEquals(200, call("GET", "/api/broadcasts/natal-3?business_id=biz-a", ApiFixture.ADMIN_TOKEN, null).statusCode());
        assertEquals(404, call("GET", "/api/broadcasts/natal-3?business_id=biz-b", ApiFixture.ADMIN_TOKEN, null).statusCode());
    }

    @Test
    void cancellingTheRunCancelsItsJobMarksItCancelledAndAnnouncesIt() {
        store.webhookEndpoints().create("biz-a", URI.create("https://hooks.example.com/broadcasts"),
                Set.of("broadcast.finished"), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]));
        String jobId = json(call("POST", "/api/broadcasts", A, body("natal-4", "Oi", "+5511911110001"))).path("job_id").asText();
        HttpResponse<String> cancel = call("POST", "/api/runs/natal-4/cancel", A, null);
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertEquals(1, json(cancel).path("canceled").asInt());
        JsonNode shown = json(call("GET", "/api/broadcasts/natal-4", A, null));
        assertEquals("cancelled", shown.path("state").asText());
        assertEquals("canceled", shown.path("job_status").asText());
        assertEquals(1, shown.path("remaining").asInt());
        assertFalse(shown.path("finished_at").isNull());
        assertEquals("canceled", redis.commands().hget("rq:job:" + jobId, "status"));
        List<String> announced = redis.commands().lrange("rq:queue:default", 0, -1).stream()
                .filter(id -> "send_webhook_job".equals(jobName(id))).toList();
        assertEquals(1, announced.size(), "broadcast.finished goes to the subscribed endpoint");
        String delivery = new String(dev.switchboard.testsupport.Zlib.inflate(
                redis.binaryCommands().hget("rq:job:" + announced.getFirst(), "data")), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(delivery.contains("broadcast.finished") && delivery.contains("\\\"status\\\":\\\"cancelled\\\""),
                delivery);
        call("POST", "/api/runs/natal-4/cancel", A, null);
        assertEquals(1, redis.commands().lrange("rq:queue:default", 0, -1).stream()
                .filter(id -> "send_webhook_job".equals(jobName(id))).count(), "a repeated cancel announces nothing more");
    }
}
