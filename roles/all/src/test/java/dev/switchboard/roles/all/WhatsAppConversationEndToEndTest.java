package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeChatServer;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first loop a customer sees, with every part real: api, worker and scheduler processes,
 * PostgreSQL, Redis, and a WhatsApp gateway and an AI server that speak the real HTTP contracts.
 * A customer writes; the lead is made; exactly one reply reaches the gateway — also when the
 * gateway delivers the webhook three times, when the worker is killed while it waits for the AI,
 * and when it is killed after the gateway sent the reply but before the answer arrived. With no
 * AI configured, the embedded agent answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhatsAppConversationEndToEndTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String WEBHOOK_SECRET = "webhook-secret-for-the-e2e-test-0123456789";
    private static final String GATEWAY_SECRET = "gateway-secret-for-the-e2e-test-0123456789";
    private static final String TOKEN = "token-of-business-t42-for-the-e2e-test-0123456789";
    private static final String AI_KEY = "sk-e2e-0123456789abcdef0123456789";
    private static final String BUSINESS = "t_42";
    private static final String JID = "5511999990000@s.whatsapp.net";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeWhatsAppGateway gateway;
    private static FakeChatServer ai;
    private static ChildJvm api;
    private static ChildJvm scheduler;
    private static int port;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        gateway = FakeWhatsAppGateway.start(GATEWAY_SECRET, Set.of(BUSINESS));
        ai = FakeChatServer.start(AI_KEY, "e2e-model");
        port = FreePorts.next();
        api = ChildJvm.start(Switchboard.class.getName(), env("api", true));
        scheduler = ChildJvm.start(Switchboard.class.getName(), env("scheduler", true));
        api.awaitOutput("api role listening on port " + port, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {api, scheduler, gateway, ai}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static Map<String, String> env(String role, boolean withAi) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SERVICE_ROLE", role,
                "REDIS_URL", redis.url(),
                "DATABASE_URL", postgres.databaseUrl(),
                "PORT", Integer.toString(port),
                "INTERNAL_WEBHOOK_SECRET", WEBHOOK_SECRET,
                "API_TOKENS", BUSINESS + ":" + TOKEN,
                "WHATSAPP_GATEWAY_URL", gateway.url(),
                "WHATSAPP_GATEWAY_SECRET", GATEWAY_SECRET,
                "WORKER_LEASE", "2s",
                "SCHEDULER_TICK", "1s"));
        if (withAi) {
            env.putAll(Map.of("AI_BASE_URL", ai.baseUrl(), "AI_API_KEY", AI_KEY, "AI_MODEL", "e2e-model"));
        }
        return env;
    }

    private static ChildJvm worker(boolean withAi) {
        ChildJvm worker = ChildJvm.start(Switchboard.class.getName(), env("worker", withAi));
        worker.awaitOutput("worker", Duration.ofSeconds(60));
        return worker;
    }

    private static String webhook(String messageId, String text) {
        return """
                {"tenantId":"%s","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"%s","fromMe":false,"id":"%s"},
                  "messageTimestamp":%d,"pushName":"Maria Silva",
                  "message":{"conversation":"%s"}}]}}""".formatted(BUSINESS, JID, messageId,
                System.currentTimeMillis() / 1000, text);
    }

    private static JsonNode post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode deliver(String messageId, String text) throws Exception {
        return post("/webhook/whatsapp/incoming", webhook(messageId, text), Map.of("X-Internal-Secret", WEBHOOK_SECRET));
    }

    private static List<FakeWhatsAppGateway.Sent> repliesContaining(String text) {
        return gateway.sent().stream().filter(s -> s.text().contains(text)).toList();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition, ChildJvm... processes) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        StringBuilder logs = new StringBuilder();
        for (ChildJvm p : processes) {
            logs.append("\n--- process output ---\n").append(p.output());
        }
        throw new AssertionError("not within " + timeout + ": " + what + logs);
    }

    private static JsonNode theLead() throws Exception {
        JsonNode page = get("/api/leads?phone=5511999990000");
        assertEquals(1, page.get("total").asInt(), page.toString());
        return get("/api/leads/" + page.get("leads").get(0).get("id").asText());
    }

    @Test
    @Order(1)
    void aMessageDeliveredThreeTimesMakesOneLeadAndExactlyOneReply() throws Exception {
        int enqueued = 0;
        for (int i = 0; i < 3; i++) {
            enqueued += deliver("3EB0E2E0001", "Quanto custa o plano?").get("enqueued").asInt();
        }
        assertEquals(1, enqueued, "the gateway's retries fold into one job");
        try (ChildJvm worker = worker(true)) {
            await("the reply reaches the gateway", Duration.ofSeconds(60),
                    () -> !repliesContaining("Quanto custa o plano?").isEmpty(), worker);
            JsonNode lead = theLead();
            await("the reply is recorded", Duration.ofSeconds(30), () -> {
                try {
                    return theLead().get("conversation").size() == 2;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, worker);
            Thread.sleep(1500); // a second reply would have had time to arrive
            List<FakeWhatsAppGateway.Sent> replies = repliesContaining("Quanto custa o plano?");
            assertEquals(1, replies.size(), replies.toString());
            FakeWhatsAppGateway.Sent reply = replies.getFirst();
            assertEquals(BUSINESS, reply.tenantId());
            assertEquals(JID, reply.to());
            assertEquals("Echo: Quanto custa o plano?", reply.text());
            assertEquals("+5511999990000", lead.get("phone").asText());
            assertEquals("Maria Silva", lead.get("name").asText());
            assertEquals("whatsapp", lead.get("source").asText());
            JsonNode conversation = theLead().get("conversation");
            assertEquals("inbound", conversation.get(0).get("direction").asText());
            assertEquals("3EB0E2E0001", conversation.get(0).get("id").asText());
            assertEquals("outbound", conversation.get(1).get("direction").asText());
            assertEquals(reply.messageId(), conversation.get(1).get("id").asText());
            JsonNode asked = ai.requests().getLast().get("messages");
            assertTrue(asked.get(0).get("content").asText().contains("assistant of " + BUSINESS), asked.toString());
        }
    }

    @Test
    @Order(2)
    void aWorkerKilledWhileTheAiThinksLosesNothingAndSendsNothingTwice() throws Exception {
        ai.answerAfter(Duration.ofSeconds(4));
        deliver("3EB0E2E0002", "Tem desconto?");
        try (ChildJvm first = worker(true)) {
            first.awaitOutput("job started", Duration.ofSeconds(30));
            assertTrue(first.output().contains("job=webhook_process_job"), first.output());
            Thread.sleep(500); // inside the AI call
            first.kill9();
        }
        ai.answerAfter(Duration.ZERO);
        try (ChildJvm second = worker(true)) {
            await("the reply reaches the gateway after the rerun", Duration.ofSeconds(60),
                    () -> !repliesContaining("Tem desconto?").isEmpty(), second);
            Thread.sleep(1500);
        }
        assertEquals(1, repliesContaining("Tem desconto?").size(), gateway.sent().toString());
    }

    @Test
    @Order(3)
    void aWorkerKilledAfterTheGatewaySentButBeforeItAnsweredSendsNothingTwice() throws Exception {
        gateway.answerLate(1, Duration.ofSeconds(5));
        deliver("3EB0E2E0003", "Vocês atendem sábado?");
        try (ChildJvm first = worker(true)) {
            await("the gateway has sent the reply (its answer is late)", Duration.ofSeconds(60),
                    () -> !repliesContaining("sábado").isEmpty(), first);
            first.kill9();
        }
        try (ChildJvm second = worker(true)) {
            await("the rerun records the reply", Duration.ofSeconds(60), () -> {
                try {
                    return theLead().get("conversation").size() == 6;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, second);
        }
        assertEquals(1, repliesContaining("sábado").size(), gateway.sent().toString());
        gateway.sendsPerClientId().forEach((id, n) -> assertEquals(1L, n, "client message id " + id));
    }

    @Test
    @Order(4)
    void withNoAiConfiguredTheEmbeddedAgentAnswersFromTheBusinesssPrompt() throws Exception {
        HttpResponse<String> saved = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/business"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"name":"Acme Solar","zone":"America/Sao_Paulo",
                         "agent_prompt":"We install solar panels in São Paulo. Be kind."}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, saved.statusCode(), saved.body());
        deliver("3EB0E2E0004", "Oi, quero um orçamento");
        try (ChildJvm worker = worker(false)) {
            await("the embedded agent's reply reaches the gateway", Duration.ofSeconds(60),
                    () -> !repliesContaining("quero um orçamento").isEmpty(), worker);
        }
        String reply = repliesContaining("quero um orçamento").getFirst().text();
        assertTrue(reply.startsWith("Hi Maria! This is Acme Solar."), reply);
        assertTrue(reply.contains("We install solar panels in São Paulo."), reply);
        assertTrue(reply.endsWith("Would you like us to call you back?"), reply);
    }
}
