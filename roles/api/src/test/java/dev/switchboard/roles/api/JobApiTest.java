package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job API over real HTTP: bearer tokens per business, scoping, push, broadcasts, cancel, requeue. */
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

    private static String push(String token, String notificationId) {
        HttpResponse<String> response = call("POST", "/api/push", token,
                "{\"notification_id\":\"" + notificationId + "\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\"There\"}");
        assertEquals(202, response.statusCode(), response.body());
        return json(response).path("job_id").asText();
    }

    @Test
    void pushIsEnqueuedOncePerNotification() {
        String first = push(ApiFixture.BIZ_A_TOKEN, "n-1");
        HttpResponse<String> again = call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN,
                "{\"notification_id\":\"n-1\",\"user_id\":\"u1\",\"title\":\"Hi\",\"body\":\"There\"}");
        assertTrue(json(again).path("duplicate").asBoolean());
        assertEquals(first, json(again).path("job_id").asText());
        assertEquals(1L, redis.commands().llen("rq:queue:default"));
        assertEquals("biz-a", redis.commands().hget("rq:job:" + first, "business_id"));
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
    void broadcastRunsOnItsQueueWithARunIdThatCancelsIt() {
        HttpResponse<String> started = call("POST", "/api/broadcasts", ApiFixture.BIZ_A_TOKEN,
                "{\"message\":\"Promo!\",\"recipients\":[\"5511999990000\",\"+5511988887777\"],\"run_id\":\"promo-1\"}");
        assertEquals(202, started.statusCode(), started.body());
        String jobId = json(started).path("job_id").asText();
        assertEquals("promo-1", json(started).path("run_id").asText());
        assertEquals(List.of(jobId), redis.commands().lrange("rq:queue:broadcasts", 0, -1));

        HttpResponse<String> otherBusiness = call("POST", "/api/runs/promo-1/cancel", ApiFixture.BIZ_B_TOKEN, null);
        assertEquals(0, json(otherBusiness).path("canceled").asInt());
        HttpResponse<String> cancel = call("POST", "/api/runs/promo-1/cancel", ApiFixture.BIZ_A_TOKEN, null);
        assertEquals(1, json(cancel).path("canceled").asInt());
        assertEquals("canceled", redis.commands().hget("rq:job:" + jobId, "status"));
    }

    @Test
    void badBodiesAre4xxAndEnqueueNothing() {
        assertEquals(400, call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN, "{\"notification_id\":5}").statusCode());
        assertEquals(400, call("POST", "/api/push", ApiFixture.BIZ_A_TOKEN,
                "{\"notification_id\":\"n\",\"user_id\":\"u\",\"title\":\"t\",\"body\":\"b\",\"evil\":1}").statusCode());
        assertEquals(400, call("POST", "/api/broadcasts", ApiFixture.BIZ_A_TOKEN,
                "{\"message\":\"m\",\"recipients\":[\"not a phone\"]}").statusCode());
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
