package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.OutboundCall;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/calls} and {@code GET /api/calls/outbound/{id}} over real HTTP on real Redis and
 * PostgreSQL, with no worker and no Twilio: the api only stores the request and enqueues its one
 * {@code place_outbound_call_job}. 202 with the request and job ids, a retry of the same request
 * answered with the same job, 409 for the same id with another body, 400 with a reason and nothing
 * written for bad input, 404 for another business's lead or request, 429 from the business's quota.
 */
class OutboundCallsApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = ApiFixture.BIZ_A_TOKEN;
    private static final String B = ApiFixture.BIZ_B_TOKEN;
    static final String TOKEN = "twilio-auth-token-0123456789abcdef";
    static final String NUMBER_A = "+5511300000001";
    static final String NUMBER_B = "+5511300000002";

    private static ApiRole api;
    private static PostgresStore store;

    static Map<String, String> twilioEnvironment() {
        return Map.of("PUBLIC_BASE_URL", "https://api.example.com", "CALLS_PUBLIC_URL", "wss://calls.example.com",
                "TWILIO_NUMBERS", NUMBER_A + ":biz-a," + NUMBER_B + ":biz-b");
    }

    static ApiRole startApi(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("DATABASE_URL", postgres.databaseUrl(), "TWILIO_AUTH_TOKEN", TOKEN));
        config.putAll(extra);
        return ApiRole.start(ApiFixture.config(redis.url(), config), twilioEnvironment(), List.of());
    }

    @BeforeAll
    static void start() {
        api = startApi(Map.of());
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
    }

    @AfterAll
    static void stop() {
        api.close();
        store.close();
    }

    static HttpResponse<String> call(ApiRole api, String method, String path, String token, String body) {
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

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        return call(api, method, path, token, body);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static long jobsWritten() {
        return redis.commands().keys("rq:job:*").size();
    }

    /** Every request row of every business, straight from PostgreSQL. */
    private static long rowsWritten() {
        try (var connection = postgres.connect(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM outbound_calls")) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> highQueue() {
        return redis.commands().lrange("rq:queue:high", 0, -1);
    }

    @Test
    void aCallRequestIsStoredAndItsOneJobQueuedAndNothingElseHappens() throws Exception {
        HttpResponse<String> response = call("POST", "/api/calls", A,
                "{\"to\":\"+5511999990001\",\"request_id\":\"call-1\"}");
        assertEquals(202, response.statusCode(), response.body());
        JsonNode accepted = json(response);
        assertEquals("call-1", accepted.path("request_id").asText());
        assertEquals("requested", accepted.path("state").asText());
        assertFalse(accepted.path("duplicate").asBoolean());
        String jobId = accepted.path("job_id").asText();
        assertTrue(highQueue().contains(jobId), "queued on high");
        JsonNode job = json(call("GET", "/api/jobs/" + jobId, A, null));
        assertEquals("place_outbound_call_job", job.path("name").asText());
        assertEquals("biz-a", job.path("business_id").asText());
        try (dev.switchboard.adapters.redis.RedisConnections connections =
                     dev.switchboard.adapters.redis.RedisConnections.connect(redis.url())) {
            assertEquals(Map.of("request_id", "call-1"), new dev.switchboard.adapters.redis.RedisJobInspection(connections,
                    java.time.Clock.systemUTC()).find(dev.switchboard.ports.out.BusinessScope.all(), jobId)
                    .orElseThrow().kwargs());
        }

        // What the job will send: our number, TwiML that streams to the calls role, our status callback.
        OutboundCall stored = store.outboundCalls().find("biz-a", "call-1").orElseThrow();
        assertEquals(NUMBER_A, stored.fromNumber());
        assertEquals("+5511999990001", stored.toNumber());
        assertTrue(stored.twiml().contains("<Connect><Stream url=\"wss://calls.example.com/ws/twilio/media\">"),
                stored.twiml());
        assertTrue(stored.twiml().contains("<Parameter name=\"BusinessId\" value=\"biz-a\"/>"), stored.twiml());
        assertTrue(stored.twiml().contains("<Parameter name=\"Direction\" value=\"outbound-api\"/>"), stored.twiml());
        assertEquals("https://api.example.com/webhook/twilio/status?outbound=call-1", stored.statusCallback());

        Thread.sleep(300);
        JsonNode shown = json(call("GET", "/api/calls/outbound/call-1", A, null));
        assertEquals("requested", shown.path("state").asText(), "the api never places the call itself");
        assertEquals("+5511999990001", shown.path("to").asText());
        assertEquals(NUMBER_A, shown.path("from").asText());
        assertTrue(shown.path("call_sid").isNull());
        assertEquals(jobId, shown.path("job_id").asText());
        assertEquals("queued", shown.path("job_status").asText());
    }

    @Test
    void aRetriedRequestGetsTheSameJobAndTheSameIdWithAnotherBodyIsAConflict() {
        String body = "{\"to\":\"+5511999990002\",\"request_id\":\"call-2\"}";
        HttpResponse<String> first = call("POST", "/api/calls", A, body);
        assertEquals(202, first.statusCode(), first.body());
        long jobs = jobsWritten();
        HttpResponse<String> again = call("POST", "/api/calls", A, body);
        assertEquals(202, again.statusCode(), again.body());
        assertTrue(json(again).path("duplicate").asBoolean());
        assertEquals(json(first).path("job_id").asText(), json(again).path("job_id").asText());
        assertEquals(jobs, jobsWritten(), "no second job");

        HttpResponse<String> other = call("POST", "/api/calls", A, "{\"to\":\"+5511999990003\",\"request_id\":\"call-2\"}");
        assertEquals(409, other.statusCode(), other.body());
        assertTrue(json(other).path("error").asText().contains("request_id"), other.body());
        assertEquals(jobs, jobsWritten());
        assertEquals("+5511999990002", store.outboundCalls().find("biz-a", "call-2").orElseThrow().toNumber());

        HttpResponse<String> unnamed = call("POST", "/api/calls", A, "{\"to\":\"+5511999990002\"}");
        assertEquals(202, unnamed.statusCode(), unnamed.body());
        assertTrue(json(unnamed).path("request_id").asText().startsWith("oc-"), unnamed.body());
        assertNotEquals(json(first).path("job_id").asText(), json(unnamed).path("job_id").asText());
    }

    @Test
    void badInputIs400WithAReasonAndWritesNothing() {
        long jobs = jobsWritten();
        long rows = rowsWritten();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("empty body", "");
        bad.put("not json", "{\"to\":");
        bad.put("trailing garbage", "{\"to\":\"+5511999990001\"} x");
        bad.put("not an object", "[\"+5511999990001\"]");
        bad.put("no to", "{\"request_id\":\"x-1\"}");
        bad.put("to without +", "{\"to\":\"5511999990001\"}");
        bad.put("to with a leading 0", "{\"to\":\"+0511999990001\"}");
        bad.put("to too long", "{\"to\":\"+5511999990001234\"}");
        bad.put("to not text", "{\"to\":5511999990001}");
        bad.put("to null", "{\"to\":null}");
        bad.put("to blank", "{\"to\":\"  \"}");
        bad.put("lead id not text", "{\"to\":\"+5511999990001\",\"lead_id\":42}");
        bad.put("unknown field", "{\"to\":\"+5511999990001\",\"from\":\"+5511300000001\"}");
        bad.put("bad request id", "{\"to\":\"+5511999990001\",\"request_id\":\"a b/c\"}");
        bad.put("bad lead id", "{\"to\":\"+5511999990001\",\"lead_id\":\"../x\"}");
        // UUID.fromString takes this; PostgreSQL's ::uuid does not (it was a 500).
        bad.put("lead id in a non-canonical uuid form",
                "{\"to\":\"+5511999990001\",\"lead_id\":\"000000000-000-0000-0000-000000000000\"}");
        bad.forEach((what, body) -> {
            HttpResponse<String> response = call("POST", "/api/calls", A, body);
            assertEquals(400, response.statusCode(), what + ": " + response.body());
            assertFalse(json(response).path("error").asText().isBlank(), what);
        });
        assertEquals(jobs, jobsWritten(), "no job for bad input");
        assertEquals(rows, rowsWritten(), "no row for bad input");
        assertEquals(Optional.empty(), store.outboundCalls().find("biz-a", "x-1"));
        assertEquals(401, call("POST", "/api/calls", null, "{\"to\":\"+5511999990001\"}").statusCode());
    }

    @Test
    void aLeadOfAnotherBusinessIsNotFoundLikeAMissingOneAndOneOfOursIsKept() {
        String theirs = store.leads().upsert(new LeadContact("biz-b", Optional.of("+5511988880001"), Optional.empty(),
                Optional.empty(), Optional.of("Their lead"), "api")).lead().id();
        String ours = store.leads().upsert(new LeadContact("biz-a", Optional.of("+5511988880002"), Optional.empty(),
                Optional.empty(), Optional.of("Our lead"), "api")).lead().id();
        long jobs = jobsWritten();
        long rows = rowsWritten();
        HttpResponse<String> foreign = call("POST", "/api/calls", A,
                "{\"to\":\"+5511988880001\",\"lead_id\":\"" + theirs + "\",\"request_id\":\"lead-1\"}");
        assertEquals(404, foreign.statusCode(), foreign.body());
        HttpResponse<String> missing = call("POST", "/api/calls", A,
                "{\"to\":\"+5511988880001\",\"lead_id\":\"00000000-0000-0000-0000-000000000000\",\"request_id\":\"lead-1\"}");
        assertEquals(404, missing.statusCode(), missing.body());
        assertEquals(json(foreign).path("error"), json(missing).path("error"), "the same answer: nothing leaks");
        assertEquals(jobs, jobsWritten());
        assertEquals(rows, rowsWritten());
        assertEquals(Optional.empty(), store.outboundCalls().find("biz-a", "lead-1"));

        HttpResponse<String> own = call("POST", "/api/calls", A,
                "{\"to\":\"+5511988880002\",\"lead_id\":\"" + ours.toUpperCase() + "\",\"request_id\":\"lead-2\"}");
        assertEquals(202, own.statusCode(), own.body());
        assertEquals(ours, json(call("GET", "/api/calls/outbound/lead-2", A, null)).path("lead_id").asText());
        HttpResponse<String> retried = call("POST", "/api/calls", A,
                "{\"to\":\"+5511988880002\",\"lead_id\":\"" + ours + "\",\"request_id\":\"lead-2\"}");
        assertEquals(202, retried.statusCode(), "the same lead however its id is spelt: " + retried.body());
    }

    @Test
    void oneBusinessNeverSeesAnothersRequestsAndEachHasItsOwnIds() {
        assertEquals(202, call("POST", "/api/calls", A, "{\"to\":\"+5511999990004\",\"request_id\":\"shared-id\"}").statusCode());
        assertEquals(404, call("GET", "/api/calls/outbound/shared-id", B, null).statusCode());
        assertEquals(404, call("GET", "/api/calls/outbound/no-such-request", A, null).statusCode());
        assertEquals(404, call("GET", "/api/calls/outbound/%2e%2e", A, null).statusCode());

        HttpResponse<String> theirs = call("POST", "/api/calls", B, "{\"to\":\"+5511999990005\",\"request_id\":\"shared-id\"}");
        assertEquals(202, theirs.statusCode(), "another business's id is no conflict: " + theirs.body());
        assertFalse(json(theirs).path("duplicate").asBoolean());
        assertEquals(NUMBER_B, json(call("GET", "/api/calls/outbound/shared-id", B, null)).path("from").asText());
        assertEquals("+5511999990004", json(call("GET", "/api/calls/outbound/shared-id", A, null)).path("to").asText());
        assertEquals("biz-b", json(call("GET", "/api/jobs/" + json(theirs).path("job_id").asText(), B, null))
                .path("business_id").asText());
        assertEquals(404, call("GET", "/api/jobs/" + json(theirs).path("job_id").asText(), A, null).statusCode());

        // A business with no number of its own cannot call (nothing is written).
        long jobs = jobsWritten();
        HttpResponse<String> numberless = call("POST", "/api/calls?business_id=biz-c", ApiFixture.ADMIN_TOKEN,
                "{\"to\":\"+5511999990006\",\"request_id\":\"c-1\"}");
        assertEquals(409, numberless.statusCode(), numberless.body());
        assertTrue(json(numberless).path("error").asText().contains("TWILIO_NUMBERS"), numberless.body());
        assertEquals(jobs, jobsWritten());
    }

    @Test
    void theBusinessQuotaAppliesWith429AndNothingEnqueued() {
        try (ApiRole limited = startApi(Map.of("BUSINESS_RATE_LIMIT", "1", "BUSINESS_BURST", "1"))) {
            assertEquals(202, call(limited, "POST", "/api/calls", A, "{\"to\":\"+5511999990007\",\"request_id\":\"q-1\"}")
                    .statusCode());
            long jobs = jobsWritten();
            HttpResponse<String> refused = call(limited, "POST", "/api/calls", A,
                    "{\"to\":\"+5511999990007\",\"request_id\":\"q-2\"}");
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertEquals(jobs, jobsWritten());
            assertEquals(Optional.empty(), store.outboundCalls().find("biz-a", "q-2"));
        }
    }

    @Test
    void withoutThePublicUrlsTheRoutesSayWhatIsMissing() {
        try (ApiRole bare = ApiRole.start(ApiFixture.config(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl())),
                Map.of(), List.of())) {
            HttpResponse<String> response = call(bare, "POST", "/api/calls", A, "{\"to\":\"+5511999990008\"}");
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(json(response).path("error").asText().contains("PUBLIC_BASE_URL"), response.body());
            assertEquals(401, call(bare, "POST", "/api/calls", null, "{}").statusCode());
        }
    }
}
