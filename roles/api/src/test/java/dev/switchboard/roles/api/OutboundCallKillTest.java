package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.roles.worker.WorkerRole;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeTwilioCalls;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outbound call whose worker process dies mid-placement (SIGKILL, no cleanup), with the api in
 * this JVM taking {@code POST /api/calls} and worker processes (child JVMs) placing it through a
 * fake Twilio that checks auth and the create's form. Either way the request is left
 * {@code placing}, and the next worker must not send the create again:
 * <ul>
 *   <li>killed <em>after</em> the create reached Twilio (the fake makes the call at once and answers
 *       late): the next worker looks the call up and the request ends {@code placed} with the call
 *       the first worker made; Twilio saw exactly one create;</li>
 *   <li>killed <em>before</em> the create reached Twilio (the first worker's Twilio address accepts
 *       connections and never answers): the next worker finds no call, and the request ends
 *       {@code unknown}; Twilio saw no create at all. Not calling is the price of never calling twice.</li>
 * </ul>
 */
class OutboundCallKillTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "AC" + "fedcba9876543210".repeat(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ApiRole api;
    private static FakeTwilioCalls twilio;

    @BeforeAll
    static void start() {
        Map<String, String> config = new HashMap<>(Map.of("DATABASE_URL", postgres.databaseUrl(),
                "TWILIO_AUTH_TOKEN", OutboundCallsApiTest.TOKEN));
        api = ApiRole.start(ApiFixture.config(redis.url(), config), Map.of("PUBLIC_BASE_URL", "https://api.example.com",
                "CALLS_PUBLIC_URL", "wss://calls.example.com", "TWILIO_NUMBERS", "+5511300000001:biz-a"), List.of());
        twilio = FakeTwilioCalls.start(ACCOUNT, OutboundCallsApiTest.TOKEN);
    }

    @AfterAll
    static void stop() {
        api.close();
        twilio.close();
    }

    private static ChildJvm worker() {
        return worker(twilio.url());
    }

    private static ChildJvm worker(String twilioUrl) {
        return ChildJvm.start(WorkerRole.class.getName(), Map.ofEntries(
                Map.entry("SERVICE_ROLE", "worker"), Map.entry("REDIS_URL", redis.url()),
                Map.entry("DATABASE_URL", postgres.databaseUrl()), Map.entry("RQ_QUEUES", "high"),
                // A dead worker's job is back on its queue about a second after the kill.
                Map.entry("WORKER_LEASE", "1s"), Map.entry("WORKER_MAX_LEASE_EXPIRIES", "100"),
                Map.entry("TWILIO_ACCOUNT_SID", ACCOUNT), Map.entry("TWILIO_AUTH_TOKEN", OutboundCallsApiTest.TOKEN),
                Map.entry("TWILIO_API_BASE_URL", twilioUrl),
                // Longer than the kill takes; the rerun waits this (plus 2 s) after placing_at before it looks.
                Map.entry("TWILIO_API_TIMEOUT", "4s"),
                Map.entry("LOG_LEVEL", "WARN")));
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ApiFixture.BIZ_A_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    @Test
    void aWorkerKilledWhileTwilioCreatesTheCallLeavesOneCallWhichTheNextWorkerFinds() {
        // The call is made the moment the create arrives; the answer would come after 60 s.
        twilio.delayNextCreates(1, Duration.ofSeconds(60));
        HttpResponse<String> accepted = call("POST", "/api/calls", "{\"to\":\"+5511999990001\",\"request_id\":\"kill-1\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        long startedAt = System.nanoTime();
        ChildJvm first = worker();
        ChildJvm second = null;
        try {
            await("the create to reach Twilio", Duration.ofSeconds(60), () -> twilio.creates().size() == 1, first);
            first.kill9();
            long killedAt = System.nanoTime();
            assertEquals("placing", json(call("GET", "/api/calls/outbound/kill-1", null)).path("state").asText(),
                    "killed between sending the create and recording its answer");
            second = worker();
            ChildJvm next = second;
            await("the request to settle", Duration.ofSeconds(60), () -> !List.of("requested", "placing")
                    .contains(json(call("GET", "/api/calls/outbound/kill-1", null)).path("state").asText()), next);
            JsonNode settled = json(call("GET", "/api/calls/outbound/kill-1", null));
            System.out.println("outbound call kill test: killed " + (killedAt - startedAt) / 1_000_000
                    + " ms after start; settled " + settled.path("state").asText() + " "
                    + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill; creates at Twilio "
                    + twilio.creates().size() + ", lists " + twilio.lists());
            assertEquals("placed", settled.path("state").asText(), settled.toString());
            assertEquals(twilio.creates().get(0).callSid(), settled.path("call_sid").asText());
            assertEquals(1, twilio.creates().size(), "exactly one create, through the kill");
            assertTrue(twilio.lists() >= 1, "the rerun looked the call up");

            // The surviving worker places the next request normally, once.
            HttpResponse<String> next2 = call("POST", "/api/calls", "{\"to\":\"+5511999990002\",\"request_id\":\"kill-2\"}");
            assertEquals(202, next2.statusCode(), next2.body());
            await("the second call", Duration.ofSeconds(30), () -> "placed".equals(
                    json(call("GET", "/api/calls/outbound/kill-2", null)).path("state").asText()), next);
            assertEquals(2, twilio.creates().size());
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aWorkerKilledBeforeItsCreateReachedTwilioLeavesNoCallAndTheNextWorkerSendsNone() throws Exception {
        // Connections are accepted (the kernel's backlog) and never read nor answered: the create
        // goes nowhere, and the worker waits for its answer when it is killed.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int createsBefore = twilio.creates().size();
            int listsBefore = twilio.lists();
            HttpResponse<String> accepted = call("POST", "/api/calls", "{\"to\":\"+5511999990003\",\"request_id\":\"kill-3\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            ChildJvm first = worker("http://127.0.0.1:" + silent.getLocalPort());
            ChildJvm second = null;
            try {
                await("the request to be placing", Duration.ofSeconds(60), () -> "placing".equals(
                        json(call("GET", "/api/calls/outbound/kill-3", null)).path("state").asText()), first);
                first.kill9();
                long killedAt = System.nanoTime();
                assertEquals("placing", json(call("GET", "/api/calls/outbound/kill-3", null)).path("state").asText(),
                        "killed between marking placing and any answer");
                second = worker();
                await("the request to settle", Duration.ofSeconds(60), () -> !List.of("requested", "placing")
                        .contains(json(call("GET", "/api/calls/outbound/kill-3", null)).path("state").asText()), second);
                JsonNode settled = json(call("GET", "/api/calls/outbound/kill-3", null));
                System.out.println("outbound call kill test (before the create): settled " + settled.path("state").asText()
                        + " " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill: " + settled.path("error"));
                assertEquals("unknown", settled.path("state").asText(), settled.toString());
                assertTrue(settled.path("call_sid").isNull(), settled.toString());
                assertTrue(settled.path("error").asText().contains("interrupted"), settled.toString());
                assertEquals(createsBefore, twilio.creates().size(), "the rerun never sent the create");
                assertTrue(twilio.lists() > listsBefore, "the rerun looked for the call instead");
                assertTrue(twilio.calls().stream().noneMatch(c -> c.to().equals("+5511999990003")));
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition, ChildJvm worker) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + (worker == null ? "" : ":\n" + worker.output()));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
