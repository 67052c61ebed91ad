package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gmail mailboxes and leads' e-mail addresses over real HTTP, on real Redis and PostgreSQL: a
 * connect stores the mailbox and queues its sync, the refresh token never comes back out, bad
 * input is a 4xx with a reason that writes nothing, and one business never sees another's mailbox.
 */
class GmailApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = ApiFixture.BIZ_A_TOKEN;
    private static final String B = ApiFixture.BIZ_B_TOKEN;
    private static final String TOKEN = "1//0gSecretRefreshToken-abcdefghijklmnop";

    private static ApiFixture api;
    private static PostgresStore store;

    @BeforeAll
    static void start() {
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
        api = new ApiFixture(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl()));
    }

    @AfterAll
    static void stop() {
        api.close();
        store.close();
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

    private static void assertRefused(int status, HttpResponse<String> response, String reasonContains) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(json(response).path("error").asText().contains(reasonContains), response.body());
        assertFalse(response.body().contains(TOKEN), "a refusal never echoes the token");
    }

    private static String connectBody(String email, String token) {
        return "{\"email\":\"" + email + "\",\"refresh_token\":\"" + token + "\"}";
    }

    @Test
    void aConnectStoresTheMailboxQueuesItsSyncAndNeverShowsTheTokenAgain() {
        HttpResponse<String> created = call("POST", "/api/gmail/connect", A, connectBody("vendas@acme.example", TOKEN));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode mailbox = json(created);
        String id = mailbox.path("id").asText();
        assertEquals("vendas@acme.example", mailbox.path("email").asText());
        assertEquals("active", mailbox.path("status").asText());
        assertTrue(mailbox.path("history_id").isNull(), "not synced yet");
        assertFalse(created.body().contains(TOKEN));

        String job = mailbox.path("sync_job_id").asText();
        JobView queued;
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            queued = new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), job).orElseThrow();
        }
        assertEquals("gmail_sync_job", queued.name());
        assertEquals("low", queued.queue());
        assertEquals("biz-a", queued.businessId());
        assertEquals(Map.of("connection_id", id), queued.kwargs(), "the job names the connection, not the token");
        assertTrue(redis.commands().lrange("rq:queue:low", 0, -1).contains(job));

        HttpResponse<String> list = call("GET", "/api/gmail", A, null);
        assertEquals(200, list.statusCode(), list.body());
        assertFalse(list.body().contains(TOKEN));
        assertTrue(list.body().contains(id));
        HttpResponse<String> one = call("GET", "/api/gmail/" + id, A, null);
        assertEquals(200, one.statusCode(), one.body());
        assertFalse(one.body().contains(TOKEN));
        assertFalse(one.body().contains("refresh"), one.body());
        assertEquals(TOKEN, store.gmailConnections().find("biz-a", id).map(GmailConnection::refreshToken).orElseThrow());

        // The same address again (another case): the token is replaced, the mailbox is the same one.
        HttpResponse<String> again = call("POST", "/api/gmail/connect", A, connectBody("Vendas@ACME.example", TOKEN + "2"));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(id, json(again).path("id").asText());
        assertEquals(TOKEN + "2", store.gmailConnections().find("biz-a", id).orElseThrow().refreshToken());
        assertFalse(job.equals(json(again).path("sync_job_id").asText()), "each connect syncs");
    }

    @Test
    void anotherBusinessNeitherSeesNorDisconnectsAMailbox() {
        String id = json(call("POST", "/api/gmail/connect", A, connectBody("compras@acme.example", TOKEN))).path("id").asText();
        HttpResponse<String> theirs = call("GET", "/api/gmail/" + id, B, null);
        HttpResponse<String> missing = call("GET", "/api/gmail/00000000-0000-0000-0000-000000000000", B, null);
        assertEquals(404, theirs.statusCode());
        assertEquals(missing.body(), theirs.body(), "another business's mailbox looks missing");
        assertFalse(call("GET", "/api/gmail", B, null).body().contains(id));
        assertRefused(404, call("DELETE", "/api/gmail/" + id, B, null), "no such mailbox");
        assertEquals(200, call("GET", "/api/gmail/" + id, A, null).statusCode());

        assertEquals(200, call("DELETE", "/api/gmail/" + id, A, null).statusCode());
        assertRefused(404, call("GET", "/api/gmail/" + id, A, null), "no such mailbox");
        assertRefused(404, call("DELETE", "/api/gmail/" + id, A, null), "no such mailbox");
        assertEquals(Optional.empty(), store.gmailConnections().find("biz-a", id));
    }

    @Test
    void badConnectsAreRefusedWithAReasonAndWriteNothing() {
        long queued = redis.commands().llen("rq:queue:low");
        int stored = store.gmailConnections().list("biz-b").size();
        assertRefused(400, call("POST", "/api/gmail/connect", B, "{\"refresh_token\":\"" + TOKEN + "\"}"), "email");
        assertRefused(400, call("POST", "/api/gmail/connect", B, connectBody("not-an-address", TOKEN)), "email");
        assertRefused(400, call("POST", "/api/gmail/connect", B, connectBody("Maria <m@acme.example>", TOKEN)), "email");
        assertRefused(400, call("POST", "/api/gmail/connect", B, "{\"email\":\"x@acme.example\"}"), "refresh_token");
        assertRefused(400, call("POST", "/api/gmail/connect", B, connectBody("x@acme.example", "short")), "refresh_token");
        assertRefused(400, call("POST", "/api/gmail/connect", B, connectBody("x@acme.example", "has space" + TOKEN)),
                "refresh_token");
        assertRefused(400, call("POST", "/api/gmail/connect", B, connectBody("x@acme.example", "t".repeat(2049))),
                "refresh_token");
        assertRefused(400, call("POST", "/api/gmail/connect", B,
                "{\"email\":\"x@acme.example\",\"refresh_token\":\"" + TOKEN + "\",\"scope\":\"all\"}"), "unknown field");
        assertRefused(400, call("POST", "/api/gmail/connect", B, "{\"email\":42,\"refresh_token\":\"" + TOKEN + "\"}"),
                "email");
        assertRefused(400, call("POST", "/api/gmail/connect", B, "[]"), "object");
        assertRefused(400, call("POST", "/api/gmail/connect", B, "{not json"), "");
        assertRefused(400, call("POST", "/api/gmail/connect", ApiFixture.ADMIN_TOKEN, connectBody("x@acme.example", TOKEN)),
                "business_id");
        assertEquals(401, call("POST", "/api/gmail/connect", null, connectBody("x@acme.example", TOKEN)).statusCode());
        assertEquals(401, call("GET", "/api/gmail", B + "x", null).statusCode());
        assertRefused(404, call("GET", "/api/gmail/not-a-uuid", B, null), "no such mailbox");

        assertEquals(queued, redis.commands().llen("rq:queue:low"), "no job for a refused connect");
        assertEquals(stored, store.gmailConnections().list("biz-b").size(), "no row either");
    }

    @Test
    void aLeadsEmailIsSetClearedAndKeptUniqueWithinTheBusiness() {
        Lead maria = store.leads().upsert(new LeadContact("biz-a", Optional.of("+5511999990101"), Optional.empty(),
                Optional.empty(), Optional.of("Maria"), "api")).lead();
        Lead ana = store.leads().upsert(new LeadContact("biz-a", Optional.of("+5511999990102"), Optional.empty(),
                Optional.empty(), Optional.of("Ana"), "api")).lead();
        Lead theirs = store.leads().upsert(new LeadContact("biz-b", Optional.of("+5511999990101"), Optional.empty(),
                Optional.empty(), Optional.of("Maria of B"), "api")).lead();

        HttpResponse<String> set = call("PATCH", "/api/leads/" + maria.id(), A, "{\"email\":\" Maria@Example.com \"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("Maria@Example.com", json(set).path("email").asText());
        assertEquals("Maria@Example.com", json(call("GET", "/api/leads/" + maria.id(), A, null)).path("email").asText());

        assertRefused(409, call("PATCH", "/api/leads/" + ana.id(), A, "{\"email\":\"maria@example.com\"}"), "another lead");
        assertTrue(json(call("GET", "/api/leads/" + ana.id(), A, null)).path("email").isNull());
        assertEquals(200, call("PATCH", "/api/leads/" + theirs.id(), B, "{\"email\":\"maria@example.com\"}").statusCode(),
                "another business's lead may have the same address");
        assertRefused(404, call("PATCH", "/api/leads/" + theirs.id(), A, "{\"email\":\"x@example.com\"}"), "no such lead");
        assertRefused(400, call("PATCH", "/api/leads/" + maria.id(), A, "{\"email\":\"nope\"}"), "email");
        assertRefused(400, call("PATCH", "/api/leads/" + maria.id(), A, "{\"phone\":\"+1\"}"), "unknown field");
        assertRefused(400, call("PATCH", "/api/leads/" + maria.id(), A, "{}"), "nothing to change");
        assertEquals("Maria@Example.com", store.leads().find("biz-a", maria.id()).orElseThrow().email().orElseThrow());

        HttpResponse<String> cleared = call("PATCH", "/api/leads/" + maria.id(), A, "{\"email\":null}");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertTrue(json(cleared).path("email").isNull());
        assertEquals(200, call("PATCH", "/api/leads/" + ana.id(), A, "{\"email\":\"maria@example.com\"}").statusCode(),
                "free again");
    }
}
