package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallState;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outbound call's status callback ({@code /webhook/twilio/status?outbound=<request_id>}, signed
 * by {@link PythonTwilioSigner}) over real HTTP on real Redis and PostgreSQL: Twilio's word that
 * the call exists settles a request left {@code unknown} (or {@code placing}) as {@code placed}
 * with its sid; a {@code failed} or already {@code placed} request is never moved; another
 * business's callback, an unsigned one and a malformed request id change nothing.
 */
class OutboundCallStatusCallbackTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC = "https://api.example.com";
    private static final String LEAD = "+5511988880001";

    private static ApiRole api;
    private static PostgresStore store;

    @BeforeAll
    static void start() {
        Map<String, String> config = new java.util.HashMap<>(Map.of("DATABASE_URL", postgres.databaseUrl(),
                "TWILIO_AUTH_TOKEN", OutboundCallsApiTest.TOKEN));
        api = ApiRole.start(ApiFixture.config(redis.url(), config), OutboundCallsApiTest.twilioEnvironment(),
                java.util.List.of());
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static String callSid() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return "CA" + HexFormat.of().formatHex(b);
    }

    /** A request of biz-a as the api stores it, then moved as far as a worker would have. */
    private static void request(String requestId, OutboundCallState state) {
        HttpResponse<String> response = OutboundCallsApiTest.call(api, "POST", "/api/calls", ApiFixture.BIZ_A_TOKEN,
                "{\"to\":\"" + LEAD + "\",\"request_id\":\"" + requestId + "\"}");
        assertEquals(202, response.statusCode(), response.body());
        if (state == OutboundCallState.REQUESTED) {
            return;
        }
        assertTrue(store.outboundCalls().beginPlacing("biz-a", requestId).isPresent());
        switch (state) {
            case PLACING -> { }
            case UNKNOWN, FAILED -> assertTrue(store.outboundCalls().settle("biz-a", requestId, state, "test"));
            case PLACED -> assertTrue(store.outboundCalls().placed("biz-a", requestId, callSid()));
            default -> throw new IllegalArgumentException(state.toString());
        }
    }

    private static Map<String, String> status(String sid, String callStatus, String from) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", "AC" + "0".repeat(32));
        params.put("CallSid", sid);
        params.put("CallStatus", callStatus);
        params.put("Direction", "outbound-api");
        params.put("From", from);
        params.put("To", LEAD);
        params.put("SequenceNumber", "0");
        return params;
    }

    private static HttpResponse<String> callback(String pathAndQuery, Map<String, String> params, boolean signed) {
        PythonTwilioSigner.Signed s = PythonTwilioSigner.sign(OutboundCallsApiTest.TOKEN, PUBLIC + pathAndQuery, params);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(s.body()));
        if (signed) {
            request.header("X-Twilio-Signature", s.signature());
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
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

    private static OutboundCall stored(String requestId) {
        return store.outboundCalls().find("biz-a", requestId).orElseThrow();
    }

    @Test
    void theCallbackOfAnUnknownRequestsCallSettlesItAsPlacedWithThatCallOnce() {
        request("cb-unknown", OutboundCallState.UNKNOWN);
        String sid = callSid();

        HttpResponse<String> response = callback("/webhook/twilio/status?outbound=cb-unknown",
                status(sid, "ringing", OutboundCallsApiTest.NUMBER_A), true);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).path("outbound").path("settled").asBoolean(), response.body());
        OutboundCall call = stored("cb-unknown");
        assertEquals(OutboundCallState.PLACED, call.state());
        assertEquals(Optional.of(sid), call.callSid());

        // A later callback of another call never moves a placed request.
        HttpResponse<String> other = callback("/webhook/twilio/status?outbound=cb-unknown",
                status(callSid(), "completed", OutboundCallsApiTest.NUMBER_A), true);
        assertEquals(200, other.statusCode(), other.body());
        assertFalse(json(other).path("outbound").path("settled").asBoolean(), other.body());
        assertEquals(Optional.of(sid), stored("cb-unknown").callSid());
    }

    @Test
    void aRequestStillPlacingIsSettledTooAndTheJobsOwnPlacedThenChangesNothing() {
        request("cb-placing", OutboundCallState.PLACING);
        String sid = callSid();
        HttpResponse<String> response = callback("/webhook/twilio/status?outbound=cb-placing",
                status(sid, "initiated", OutboundCallsApiTest.NUMBER_A), true);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(OutboundCallState.PLACED, stored("cb-placing").state());
        assertEquals(Optional.of(sid), stored("cb-placing").callSid());
    }

    @Test
    void aFailedRequestIsNeverMovedAndNorIsARequestedOne() {
        request("cb-failed", OutboundCallState.FAILED);
        request("cb-requested", OutboundCallState.REQUESTED);
        for (String id : new String[] {"cb-failed", "cb-requested"}) {
            HttpResponse<String> response = callback("/webhook/twilio/status?outbound=" + id,
                    status(callSid(), "completed", OutboundCallsApiTest.NUMBER_A), true);
            assertEquals(200, response.statusCode(), response.body());
            assertFalse(json(response).path("outbound").path("settled").asBoolean(), response.body());
        }
        assertEquals(OutboundCallState.FAILED, stored("cb-failed").state());
        assertEquals(Optional.empty(), stored("cb-failed").callSid());
        assertEquals(OutboundCallState.REQUESTED, stored("cb-requested").state());
    }

    @Test
    void anotherBusinesssCallbackAnUnsignedOneAndABadRequestIdChangeNothing() {
        request("cb-isolated", OutboundCallState.UNKNOWN);
        // biz-b's number: the request is looked up in biz-b, which has no request of that id.
        HttpResponse<String> foreign = callback("/webhook/twilio/status?outbound=cb-isolated",
                status(callSid(), "in-progress", OutboundCallsApiTest.NUMBER_B), true);
        assertEquals(200, foreign.statusCode(), foreign.body());
        assertFalse(json(foreign).path("outbound").path("settled").asBoolean(), foreign.body());

        HttpResponse<String> unsigned = callback("/webhook/twilio/status?outbound=cb-isolated",
                status(callSid(), "in-progress", OutboundCallsApiTest.NUMBER_A), false);
        assertEquals(403, unsigned.statusCode(), unsigned.body());

        HttpResponse<String> bad = callback("/webhook/twilio/status?outbound=cb%20isolated!",
                status(callSid(), "in-progress", OutboundCallsApiTest.NUMBER_A), true);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("outbound"), bad.body());

        OutboundCall call = stored("cb-isolated");
        assertEquals(OutboundCallState.UNKNOWN, call.state());
        assertEquals(Optional.empty(), call.callSid());
    }
}
