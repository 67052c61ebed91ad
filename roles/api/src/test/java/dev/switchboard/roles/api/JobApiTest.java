package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job API over real HTTP: bearer tokens per business, scoping, cancel, requeue, runs; push
 * enqueues push_send_job; broadcasts answer 503 without the CRM store they are kept in.
 */
class JobApiTest {
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

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return api.send(request.build());
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** A queued job of {@code business}, put there the way the worker's own enqueues do. */
    private static String push(String token, String notificationId) {
        return enqueue(JobRequest.of("push_send_job", "default", Map.of("notification_id", notificationId),
                token.equals(ApiFixture.BIZ_A_TOKEN) ? "biz-a" : "biz-b", "trace-" + notificationId));
    }

    private static String enqueue(JobRequest request) {
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            return new RedisJobQueue(connections, Clock.systemUTC()).enqueue(request).jobId();
        }
    }

    @Test
    void pushEnqueuesOneJobPerNotificationId() {
        String body = "{\"notification_id\":\"n-1\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\"There\"}";
        HttpResponse<String> first = call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, body);
        assertEquals(202, first.statusCode(), first.body());
        assertFalse(json(first).path("duplicate").asBoolean());
        HttpResponse<String> again = call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, body);
        assertEquals(202, again.statusCode(), again.body());
        assertTrue(json(again).path("duplicate").asBoolean(), "a client retry is the same job");
        String id = json(first).path("job_id").asText();
        assertEquals(id, json(again).path("job_id").asText());
        assertEquals("push_send_job", json(call("GET", "/api/jobs/" + id, ApiFixture.BIZ_A_TOKEN, null)).path("name").asText());
        assertEquals(1L, redis.commands().llen("rq:queue:default"));
        HttpResponse<String> otherBusiness = call("POST", "/api/push", ApiFixture.BIZ_B_TOKEN, body);
        assertFalse(json(otherBusiness).path("duplicate").asBoolean(), "another business's id is its own");
        assertEquals(401, call("POST", "/api/push", null, "{}").statusCode(), "still behind a token");
    }

    @Test
    void aPushTooLargeToEncryptIsRefusedBeforeItIsQueued() {
        // 1,400 characters of three UTF-8 bytes each: within the 4,000-character body, over one record.
        String body = "{\"notification_id\":\"n-big\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\"" + "€".repeat(1400) + "\"}";
        HttpResponse<String> refused = call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, body);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(json(refused).path("error").asText().contains("a push holds at most 3993"), refused.body());
        assertEquals(0, redis.commands().keys("rq:job:*").size(), "nothing queued");
        String fits = "{\"notification_id\":\"n-fits\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\"" + "€".repeat(1300) + "\"}";
        assertEquals(202, call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, fits).statusCode());
        // The job adds the notification's tag (32 characters): counted before it is queued.
        String overWithTag = "{\"notification_id\":\"n-tag\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\""
                + "a".repeat(3950) + "\"}";
        assertEquals(400, call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, overWithTag).statusCode());
        String fitsWithTag = "{\"notification_id\":\"n-tag\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\""
                + "a".repeat(3920) + "\"}";
        assertEquals(202, call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, fitsWithTag).statusCode());
    }

    @Test
    void subscriptionReminderAndWebhookRoutesAnswer503NamingTheMissingStore() {
        for (String path : List.of("/api/reminders", "/api/webhooks", "/api/calls", "/api/calls/CA1")) {
            HttpResponse<String> response = call("GET", path, ApiFixture.BIZ_A_TOKEN, null);
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(json(response).path("error").asText().contains("DATABASE_URL"), response.body());
            assertEquals(401, call("GET", path, null, null).statusCode(), "still behind a token");
        }
        assertEquals(503, call("POST", "/api/push/subscriptions", ApiFixture.BIZ_A_TOKEN, "{}").statusCode());
    }

    @Test
    void broadcastsAnswer503NamingTheMissingStoreAndEnqueueNothing() {
        HttpResponse<String> response = call("POST", "/api/broadcasts", ApiFixture.BIZ_A_TOKEN,
                "{\"message\":\"Promo!\",\"recipients\":[\"5511999990000\"],\"run_id\":\"promo-0\"}");
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(json(response).path("error").asText().contains("DATABASE_URL"), response.body());
        assertEquals(503, call("GET", "/api/broadcasts/promo-0", ApiFixture.BIZ_A_TOKEN, null).statusCode());
        assertEquals(401, call("GET", "/api/broadcasts/promo-0", null, null).statusCode(), "still behind a token");
        assertEquals(0, redis.commands().keys("rq:job:*").size());
        assertEquals(0L, redis.commands().llen("rq:queue:broadcasts"));
    }

    @Test
    void aBusinessSeesItsOwnJobAndAnotherBusinessGets404() {
        String id = push(ApiFixture.BIZ_A_TOKEN, "n-2");

        HttpResponse<String> own = call("GET", "/api/jobs/" + id, ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(200, own.statusCode(), own.body());
        assertEquals("queued", json(own).path("status").asText());
        assertEquals("push_send_job", json(own).path("name").asText());
        assertEquals(0, json(own).path("progress").asInt());

        assertEquals(404, call("GET", "/api/jobs/" + id, ApiFixture.BIZ_B_TOKEN, null).statusCode());
        assertEquals(404, call("POST", "/api/jobs/" + id + "/cancel", ApiFixture.BIZ_B_TOKEN, null).statusCode());
        assertEquals(200, call("GET", "/api/jobs/" + id, ApiFixture.ADMIN_TOKEN, null).statusCode());
        assertEquals("queued", redis.commands().hget("rq:job:" + id, "status"), "b's cancel changed nothing");
    }

    @Test
    void missingOrUnknownTokenIs401() {
        HttpResponse<String> none = call("GET", "/api/jobs?state=queued", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(json(none).path("error").asText().contains("bearer"));
        assertEquals(401, call("GET", "/api/jobs?state=queued", "not-a-token", null).statusCode());
    }

    @Test
    void cancelAndRequeue() throws Exception {
        String id = push(ApiFixture.BIZ_A_TOKEN, "n-3");
        HttpResponse<String> cancel = call("POST", "/api/jobs/" + id + "/cancel", ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertEquals("canceled", json(cancel).path("outcome").asText());
        assertEquals(409, call("POST", "/api/jobs/" + id + "/cancel", ApiFixture.BIZ_A_TOKEN, null).statusCode());

        HttpResponse<String> requeue = call("POST", "/api/jobs/" + id + "/requeue", ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(200, requeue.statusCode(), requeue.body());
        assertEquals("queued", redis.commands().hget("rq:job:" + id, "status"));
        assertEquals(409, call("POST", "/api/jobs/" + id + "/requeue", ApiFixture.BIZ_A_TOKEN, null).statusCode(),
                "a queued job cannot be requeued");
    }

    @Test
    void listingIsPagedAndScoped() {
        for (int i = 0; i < 3; i++) {
            push(ApiFixture.BIZ_A_TOKEN, "list-a-" + i);
        }
        push(ApiFixture.BIZ_B_TOKEN, "list-b");
        HttpResponse<String> page = call("GET", "/api/jobs?state=queued&queue=default&limit=2", ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals(3, json(page).path("total").asInt());
        assertEquals(2, json(page).path("jobs").size());
        assertEquals(400, call("GET", "/api/jobs?state=bogus", ApiFixture.BIZ_A_TOKEN, null).statusCode());
        assertEquals(400, call("GET", "/api/jobs?queue=nope", ApiFixture.BIZ_A_TOKEN, null).statusCode());
        assertEquals(400, call("GET", "/api/jobs?limit=0", ApiFixture.BIZ_A_TOKEN, null).statusCode());
    }

    @Test
    void aRunIdCancelsTheRunsJobsWithinItsBusinessOnly() {
        String jobId = enqueue(JobRequest.of("broadcast_job", "broadcasts", Map.of("run_id", "promo-1"), "biz-a", "t")
                .withRunId("promo-1"));
        assertEquals(List.of(jobId), redis.commands().lrange("rq:queue:broadcasts", 0, -1));

        HttpResponse<String> otherBusiness = call("POST", "/api/runs/promo-1/cancel", ApiFixture.BIZ_B_TOKEN, null);
        assertEquals(0, json(otherBusiness).path("canceled").asInt());
        HttpResponse<String> cancel = call("POST", "/api/runs/promo-1/cancel", ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(1, json(cancel).path("canceled").asInt());
        assertEquals("canceled", redis.commands().hget("rq:job:" + jobId, "status"));
    }

    @Test
    void theAdminMustNameANonReservedBusinessForWrites() {
        assertEquals(400, call("POST", "/api/runs/r-1/cancel?business_id=_system", ApiFixture.ADMIN_TOKEN, null).statusCode(),
                "_system (the scheduler's jobs) is not a business anyone may act for");
        assertEquals(400, call("POST", "/api/runs/r-1/cancel", ApiFixture.ADMIN_TOKEN, null).statusCode());
        assertEquals(400, call("POST", "/api/push", ApiFixture.ADMIN_TOKEN,
                "{\"notification_id\":\"n\",\"user_id\":\"u\",\"title\":\"t\",\"body\":\"b\"}").statusCode(),
                "the admin token must name the business of a write");
        assertEquals(0, redis.commands().keys("rq:job:*").size());
    }

    @Test
    void runningJobShowsItsProgress() {
        String id = push(ApiFixture.BIZ_A_TOKEN, "n-progress");
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobClaims claims = new RedisJobClaims(connections, Clock.systemUTC());
            ClaimedJob job = claims.claim("w", List.of("default"), Duration.ofSeconds(30)).orElseThrow();
            claims.progress(job, 42, "sending");
            JsonNode view = json(call("GET", "/api/jobs/" + id, ApiFixture.BIZ_A_TOKEN, null));
            assertEquals("started", view.path("status").asText());
            assertEquals(42, view.path("progress").asInt());
            assertEquals("sending", view.path("progress_message").asText());
            claims.complete(job, java.util.Map.of("sent", 1));
            JsonNode done = json(call("GET", "/api/jobs/" + id, ApiFixture.BIZ_A_TOKEN, null));
            assertEquals("finished", done.path("status").asText());
            assertEquals(1, done.path("result").path("sent").asInt());
            assertFalse(done.path("ended_at").isNull());
        }
    }
}
