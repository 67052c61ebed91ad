package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A WhatsApp gateway on a local port that speaks the real send contract (docs/whatsapp.md) and
 * checks what the real one checks: the shared secret (401), the JSON shape, the JID form and the
 * Idempotency-Key header (400), the tenant (404 for unknown, 423 when logged out), numbers not on
 * WhatsApp (422). It keeps one result per client message id — a repeat gets 409 {@code duplicate}
 * with the same WhatsApp id, a repeat while the first is in flight gets 409 {@code pending} —
 * and mints ids as the real gateway does ({@code 3EB0} + 18 hex of SHA-256 over tenant and client
 * id). Scripting hooks make the next sends fail with 503 or answer late (after committing).
 */
public final class FakeWhatsAppGateway implements AutoCloseable {

    /** One message the gateway accepted (sent), in order. */
    public record Sent(String tenantId, String to, String text, String clientMessageId, String messageId) {
    }

    private static final Pattern JID = Pattern.compile(
            "^[0-9]{6,20}@s\\.whatsapp\\.net$|^[0-9]{6,20}@lid$|^[0-9-]{10,40}@g\\.us$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final byte[] secret;
    private final Set<String> tenants;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<String, Sent> byClientId = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> notOnWhatsApp = ConcurrentHashMap.newKeySet();
    private final Set<String> loggedOut = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger lateNext = new AtomicInteger();
    private final AtomicLong lateMillis = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /**
     * @param tenants the tenants with a connected session; empty means every tenant has one
     */
    public static FakeWhatsAppGateway start(String secret, Set<String> tenants) {
        try {
            return new FakeWhatsAppGateway(secret, tenants);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake gateway", e);
        }
    }

    private FakeWhatsAppGateway(String secret, Set<String> tenants) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.tenants = Set.copyOf(tenants);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every accepted send, in order (a repeat of a client id is not a second send). */
    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Requests received, including refused and repeated ones. */
    public int requests() {
        return requests.get();
    }

    /** Requests refused with a 4xx for a bad secret or shape. */
    public int refused() {
        return refused.get();
    }

    /** The next {@code n} sends answer 503 {@code session_not_connected} with Retry-After: 1. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** The next {@code n} sends are committed, then answered only after {@code delay}. */
    public void answerLate(int n, Duration delay) {
        lateMillis.set(delay.toMillis());
        lateNext.set(n);
    }

    public void markNotOnWhatsApp(String jid) {
        notOnWhatsApp.add(jid);
    }

    public void markLoggedOut(String tenant) {
        loggedOut.add(tenant);
    }

    /** The tenant's session is connected again (after a QR re-scan). */
    public void markLoggedIn(String tenant) {
        loggedOut.remove(tenant);
    }

    /** Accepted sends per destination JID, for asserting that nobody got a message twice. */
    public Map<String, Long> sendsPerRecipient() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (Sent s : new ArrayList<>(sent)) {
            counts.merge(s.to(), 1L, Long::sum);
        }
        return counts;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/send")) {
                respond(exchange, 404, error("not_found"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, error("method_not_allowed"));
                return;
            }
            String given = exchange.getRequestHeaders().getFirst("X-Gateway-Secret");
            if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
                refused.incrementAndGet();
                respond(exchange, 401, error("unauthorized"));
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            JsonNode body = parse(exchange.getRequestBody());
            String invalid = invalid(contentType, body, exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            if (invalid != null) {
                refused.incrementAndGet();
                respond(exchange, 400, error("invalid_request").put("detail", invalid));
                return;
            }
            String tenant = body.get("tenantId").asText();
            String to = body.get("to").asText();
            String clientId = body.get("clientMessageId").asText();
            if (!tenants.isEmpty() && !tenants.contains(tenant)) {
                respond(exchange, 404, error("unknown_tenant"));
                return;
            }
            if (loggedOut.contains(tenant)) {
                respond(exchange, 423, error("session_logged_out"));
                return;
            }
            String key = tenant + ":" + clientId;
            Sent earlier = byClientId.get(key);
            if (earlier != null) {
                respond(exchange, 409, result("duplicate", earlier));
                return;
            }
            if (!inFlight.add(key)) {
                exchange.getResponseHeaders().add("Retry-After", "2");
                respond(exchange, 409, JSON.createObjectNode().put("status", "pending"));
                return;
            }
            try {
                if (notOnWhatsApp.contains(to)) {
                    respond(exchange, 422, error("not_on_whatsapp").put("to", to));
                    return;
                }
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    respond(exchange, 503, error("session_not_connected"));
                    return;
                }
                Sent message = new Sent(tenant, to, body.get("text").asText(), clientId, messageId(tenant, clientId));
                byClientId.put(key, message);
                sent.add(message);
                if (lateNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    sleep(lateMillis.get());
                }
                respond(exchange, 200, result("sent", message));
            } finally {
                inFlight.remove(key);
            }
        }
    }

    private static String invalid(String contentType, JsonNode body, String idempotencyKey) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            return "Content-Type must be application/json";
        }
        if (body == null || !body.isObject()) {
            return "the body must be a JSON object";
        }
        for (String field : List.of("tenantId", "to", "text", "clientMessageId")) {
            if (!body.path(field).isTextual() || body.get(field).asText().isEmpty()) {
                return field + " must be a non-empty string";
            }
        }
        if (!JID.matcher(body.get("to").asText()).matches()) {
            return "to must be a full JID";
        }
        if (body.get("text").asText().length() > 4096) {
            return "text is longer than 4096 characters";
        }
        if (!body.get("clientMessageId").asText().equals(idempotencyKey)) {
            return "Idempotency-Key must equal clientMessageId";
        }
        return null;
    }

    private static ObjectNode result(String status, Sent message) {
        return JSON.createObjectNode().put("status", status).put("clientMessageId", message.clientMessageId())
                .put("messageId", message.messageId()).put("remoteJid", message.to())
                .put("timestamp", System.currentTimeMillis() / 1000);
    }

    /** {@code 3EB0} + the first 18 upper-case hex digits of SHA-256 over {@code tenant:clientId}. */
    static String messageId(String tenant, String clientId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((tenant + ":" + clientId).getBytes(StandardCharsets.UTF_8));
            return "3EB0" + HexFormat.of().withUpperCase().formatHex(digest).substring(0, 18);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode error(String code) {
        return JSON.createObjectNode().put("error", code);
    }

    private static JsonNode parse(InputStream in) {
        try {
            return JSON.readTree(in.readNBytes(1 << 20));
        } catch (IOException e) {
            return null;
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        JsonExchanges.respond(exchange, status, body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends per client id, for asserting exactly-once delivery. */
    public Map<String, Long> sendsPerClientId() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (Sent s : new ArrayList<>(sent)) {
            counts.merge(s.clientMessageId(), 1L, Long::sum);
        }
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
