package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A WhatsApp gateway stand-in for development and benchmarks ({@code ./switchboard dev-gateway}):
 * it answers the send contract (docs/whatsapp.md) on loopback — the shared secret, the JSON shape,
 * one message per client message id (a repeat is 409 {@code duplicate} with the same id) — and
 * hands every message to a listener instead of WhatsApp. Not a test fake: it scripts no failures
 * and checks only what a demo needs (test-support's FakeWhatsAppGateway is the strict one).
 * The JDK's server runs it on its own dispatcher thread; this module starts none.
 */
final class DevGateway implements AutoCloseable {

    /** One message the system sent. */
    record Sent(String tenantId, String to, String text, String clientMessageId, String messageId,
                long receivedNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final byte[] secret;
    private final Consumer<Sent> listener;
    private final Map<String, String> sentIds = new ConcurrentHashMap<>();

    private DevGateway(HttpServer server, String secret, Consumer<Sent> listener) {
        this.server = server;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.listener = listener;
    }

    static DevGateway start(int port, String secret, Consumer<Sent> listener) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        DevGateway gateway = new DevGateway(server, secret, listener);
        server.createContext("/send", gateway::handle);
        server.start();
        return gateway;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        try (exchange) {
            String given = exchange.getRequestHeaders().getFirst("X-Gateway-Secret");
            if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
                respond(exchange, 401, JSON.createObjectNode().put("error", "unauthorized"));
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(exchange.getRequestBody().readNBytes(1 << 20));
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.path("tenantId").isTextual() || !body.path("to").isTextual()
                    || !body.path("text").isTextual() || !body.path("clientMessageId").isTextual()) {
                respond(exchange, 400, JSON.createObjectNode().put("error", "invalid_request"));
                return;
            }
            String tenant = body.get("tenantId").asText();
            String clientId = body.get("clientMessageId").asText();
            String messageId = "3EB0" + HexFormat.of().withUpperCase().formatHex(sha256(tenant + ":" + clientId))
                    .substring(0, 18);
            boolean repeat = sentIds.putIfAbsent(tenant + ":" + clientId, messageId) != null;
            if (!repeat) {
                listener.accept(new Sent(tenant, body.get("to").asText(), body.get("text").asText(), clientId,
                        messageId, received));
            }
            ObjectNode answer = JSON.createObjectNode().put("status", repeat ? "duplicate" : "sent")
                    .put("clientMessageId", clientId).put("messageId", messageId)
                    .put("remoteJid", body.get("to").asText()).put("timestamp", System.currentTimeMillis() / 1000);
            respond(exchange, repeat ? 409 : 200, answer);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
