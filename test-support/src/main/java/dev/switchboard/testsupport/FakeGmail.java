package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gmail's REST API and Google's OAuth token endpoint on a local port (docs/gmail.md), checking what
 * they check. {@code POST /token}: form content type, {@code grant_type=refresh_token}, the client
 * id and secret (401 {@code invalid_client}), a known, unrevoked refresh token (400
 * {@code invalid_grant}); it mints {@code ya29.fake-N} tokens. Every {@code /gmail/v1/users/me/…}
 * call needs a live bearer token (401 with Google's error body). History ids start at 1,000,000 and
 * advance by random steps of 1–50 (the "gaps" rule); {@code history} below the oldest retained id
 * or above the current one answers 404 {@code notFound}. Lists page with opaque tokens; messages
 * come newest first; {@code format=metadata} returns only the asked headers.
 *
 * <p>Test hooks: {@link #deliver}, {@link #expireHistoryBefore} (force a full resync),
 * {@link #expireAccessTokens}, {@link #revoke}, scripted failures (429, 403
 * {@code userRateLimitExceeded}, 503) and a per-method quota counter.
 */
public final class FakeGmail implements AutoCloseable {

    private record Message(String id, String threadId, List<String> labels, Map<String, String> headers,
                           long internalDate, long historyId) { }

    private record HistoryRecord(long id, Message message) { }

    private static final class Mailbox {
        final String email;
        final List<Message> messages = new ArrayList<>(); // oldest first
        final List<HistoryRecord> history = new ArrayList<>();
        long historyId = 1_000_000;
        long oldestRetained = 1_000_000;
        boolean revoked;

        Mailbox(String email) {
            this.email = email;
        }
    }

    private record Failure(int status, String reason, String retryAfter) { }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, Mailbox> byRefreshToken = new ConcurrentHashMap<>();
    private final Map<String, Mailbox> byAccessToken = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final java.util.Deque<Failure> failures = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.Deque<Failure> pageFailures = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile int maxPageSize = Integer.MAX_VALUE;
    private final AtomicInteger minted = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    public static FakeGmail start(String clientId, String clientSecret) {
        try {
            return new FakeGmail(clientId, clientSecret);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Gmail", e);
        }
    }

    private FakeGmail(String clientId, String clientSecret) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The API's root, e.g. {@code http://127.0.0.1:port} (as {@code https://gmail.googleapis.com}). */
    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tokenUri() {
        return apiBase() + "/token";
    }

    /** A mailbox reachable with {@code refreshToken}. */
    public synchronized void addMailbox(String refreshToken, String email) {
        byRefreshToken.put(refreshToken, new Mailbox(email));
    }

    /** A new message arrives in the mailbox: stored and logged as {@code messageAdded}. Returns its id. */
    public synchronized String deliver(String refreshToken, String from, String subject, List<String> labels) {
        Mailbox box = mailbox(refreshToken);
        box.historyId += 1 + random.nextInt(50);
        String id = HexFormat.of().formatHex(random.generateSeed(8));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("From", from);
        headers.put("To", box.email);
        headers.put("Subject", subject);
        headers.put("Message-ID", "<" + id + "@mail.example.com>");
        Message message = new Message(id, id, List.copyOf(labels), headers, System.currentTimeMillis(), box.historyId);
        box.messages.add(message);
        box.history.add(new HistoryRecord(box.historyId, message));
        return id;
    }

    /** Deletes a message (a later messages.get answers 404). */
    public synchronized void delete(String refreshToken, String messageId) {
        mailbox(refreshToken).messages.removeIf(m -> m.id().equals(messageId));
    }

    /** History before the current id is no longer retained: older start ids answer 404. */
    public synchronized void expireHistoryBefore(String refreshToken) {
        Mailbox box = mailbox(refreshToken);
        box.historyId += 1 + random.nextInt(50);
        box.oldestRetained = box.historyId;
    }

    public synchronized long currentHistoryId(String refreshToken) {
        return mailbox(refreshToken).historyId;
    }

    /** Every access token stops working (the refresh-on-401 path). */
    public void expireAccessTokens() {
        byAccessToken.clear();
    }

    /** The refresh token is revoked: refreshing answers 400 invalid_grant. */
    public synchronized void revoke(String refreshToken) {
        mailbox(refreshToken).revoked = true;
        byAccessToken.values().removeIf(b -> b == byRefreshToken.get(refreshToken));
    }

    /** The next {@code n} API calls answer {@code status} (with Google's error reason and Retry-After if given). */
    public void failNext(int n, int status, String reason, String retryAfter) {
        for (int i = 0; i < n; i++) {
            failures.add(new Failure(status, reason, retryAfter));
        }
    }

    /** List pages ({@code messages.list}, {@code history.list}) hold at most {@code n} entries, whatever {@code maxResults} asks. */
    public void maxPageSize(int n) {
        maxPageSize = n;
    }

    /** The next list call for a later page (one with a {@code pageToken}) answers {@code status}. */
    public void failNextPage(int status, String reason) {
        pageFailures.add(new Failure(status, reason, null));
    }

    /** Calls per method ({@code token}, {@code profile}, {@code messages.list}, {@code history.list}, {@code messages.get}). */
    public Map<String, Integer> calls() {
        Map<String, Integer> out = new LinkedHashMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Gmail's quota units spent (getProfile 1, history.list 2, messages.list 5, messages.get 5). */
    public int quotaUnits() {
        Map<String, Integer> units = Map.of("profile", 1, "history.list", 2, "messages.list", 5, "messages.get", 5);
        return calls().entrySet().stream().mapToInt(e -> units.getOrDefault(e.getKey(), 0) * e.getValue()).sum();
    }

    private Mailbox mailbox(String refreshToken) {
        Mailbox box = byRefreshToken.get(refreshToken);
        if (box == null) {
            throw new IllegalArgumentException("no mailbox for that refresh token");
        }
        return box;
    }

    private void count(String method) {
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> query = params(exchange.getRequestURI().getRawQuery());
            if (path.equals("/token")) {
                token(exchange);
                return;
            }
            if (!path.startsWith("/gmail/v1/users/me/")) {
                error(exchange, 404, "notFound", "Requested entity was not found.");
                return;
            }
            String method = path.endsWith("/profile") ? "profile" : path.endsWith("/history") ? "history.list"
                    : path.endsWith("/messages") ? "messages.list" : "messages.get";
            count(method);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Mailbox box = authorization != null && authorization.startsWith("Bearer ")
                    ? byAccessToken.get(authorization.substring(7)) : null;
            if (box == null) {
                error(exchange, 401, "authError", "Invalid Credentials");
                return;
            }
            Failure failure = failures.poll();
            if (failure != null) {
                if (failure.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", failure.retryAfter());
                }
                error(exchange, failure.status(), failure.reason(), "scripted");
                return;
            }
            synchronized (this) {
                switch (method) {
                    case "profile" -> respond(exchange, 200, JSON.createObjectNode().put("emailAddress", box.email)
                            .put("messagesTotal", box.messages.size()).put("historyId", Long.toString(box.historyId)));
                    case "messages.list" -> list(exchange, box, query);
                    case "history.list" -> history(exchange, box, query);
                    default -> get(exchange, box, path.substring(path.lastIndexOf('/') + 1), query);
                }
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        count("token");
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, List<String>> form = params(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!exchange.getRequestMethod().equals("POST") || type == null
                || !type.startsWith("application/x-www-form-urlencoded")) {
            respond(exchange, 400, JSON.createObjectNode().put("error", "invalid_request"));
            return;
        }
        if (!clientId.equals(first(form, "client_id")) || !clientSecret.equals(first(form, "client_secret"))) {
            respond(exchange, 401, JSON.createObjectNode().put("error", "invalid_client")
                    .put("error_description", "The OAuth client was not found."));
            return;
        }
        if (!"refresh_token".equals(first(form, "grant_type"))) {
            respond(exchange, 400, JSON.createObjectNode().put("error", "unsupported_grant_type"));
            return;
        }
        Mailbox box = byRefreshToken.get(String.valueOf(first(form, "refresh_token")));
        if (box == null || box.revoked) {
            respond(exchange, 400, JSON.createObjectNode().put("error", "invalid_grant")
                    .put("error_description", "Token has been expired or revoked."));
            return;
        }
        String access = "ya29.fake-" + minted.incrementAndGet();
        byAccessToken.put(access, box);
        respond(exchange, 200, JSON.createObjectNode().put("access_token", access).put("expires_in", 3599)
                .put("scope", "https://www.googleapis.com/auth/gmail.readonly").put("token_type", "Bearer"));
    }

    /**
     * A list call's page size: {@code maxResults}, capped by {@link #maxPageSize}; or -1 once a
     * scripted failure of a later page ({@link #failNextPage}) has been answered.
     */
    private int pageSize(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        if (first(query, "pageToken") != null) {
            Failure failure = pageFailures.poll();
            if (failure != null) {
                error(exchange, failure.status(), failure.reason(), "scripted failure of a later page");
                return -1;
            }
        }
        return Math.min(maxPageSize, Integer.parseInt(Optional.ofNullable(first(query, "maxResults")).orElse("100")));
    }

    private void list(HttpExchange exchange, Mailbox box, Map<String, List<String>> query) throws IOException {
        int max = pageSize(exchange, query);
        if (max < 0) {
            return;
        }
        if (max > 500) {
            error(exchange, 400, "invalidArgument", "maxResults must be at most 500");
            return;
        }
        List<String> labels = query.getOrDefault("labelIds", List.of());
        List<Message> matching = new ArrayList<>();
        for (int i = box.messages.size() - 1; i >= 0; i--) {
            Message m = box.messages.get(i);
            if (m.labels().containsAll(labels)) {
                matching.add(m);
            }
        }
        int from = Integer.parseInt(Optional.ofNullable(first(query, "pageToken")).orElse("0"));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode messages = out.putArray("messages");
        for (int i = from; i < Math.min(matching.size(), from + max); i++) {
            messages.addObject().put("id", matching.get(i).id()).put("threadId", matching.get(i).threadId());
        }
        if (from + max < matching.size()) {
            out.put("nextPageToken", Integer.toString(from + max));
        }
        out.put("resultSizeEstimate", matching.size());
        respond(exchange, 200, out);
    }

    private void history(HttpExchange exchange, Mailbox box, Map<String, List<String>> query) throws IOException {
        String start = first(query, "startHistoryId");
        if (start == null) {
            error(exchange, 400, "invalidArgument", "startHistoryId is required");
            return;
        }
        long startId = Long.parseLong(start);
        if (startId < box.oldestRetained || startId > box.historyId) {
            error(exchange, 404, "notFound", "Requested entity was not found.");
            return;
        }
        int max = pageSize(exchange, query);
        if (max < 0) {
            return;
        }
        List<String> types = query.getOrDefault("historyTypes", List.of());
        List<HistoryRecord> after = box.history.stream().filter(r -> r.id() > startId)
                .filter(r -> types.isEmpty() || types.contains("messageAdded")).toList();
        int from = Integer.parseInt(Optional.ofNullable(first(query, "pageToken")).orElse("0"));
        ObjectNode out = JSON.createObjectNode();
        if (from < after.size()) {
            ArrayNode history = out.putArray("history");
            for (int i = from; i < Math.min(after.size(), from + max); i++) {
                HistoryRecord r = after.get(i);
                ObjectNode record = history.addObject().put("id", Long.toString(r.id()));
                record.putArray("messages").addObject().put("id", r.message().id()).put("threadId", r.message().threadId());
                ObjectNode message = record.putArray("messagesAdded").addObject().putObject("message")
                        .put("id", r.message().id()).put("threadId", r.message().threadId());
                r.message().labels().forEach(message.putArray("labelIds")::add);
            }
        }
        if (from + max < after.size()) {
            out.put("nextPageToken", Integer.toString(from + max));
        }
        out.put("historyId", Long.toString(box.historyId));
        respond(exchange, 200, out);
    }

    private void get(HttpExchange exchange, Mailbox box, String id, Map<String, List<String>> query) throws IOException {
        Message m = box.messages.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        if (m == null) {
            error(exchange, 404, "notFound", "Requested entity was not found.");
            return;
        }
        ObjectNode out = JSON.createObjectNode().put("id", m.id()).put("threadId", m.threadId())
                .put("historyId", Long.toString(m.historyId())).put("internalDate", Long.toString(m.internalDate()));
        m.labels().forEach(out.putArray("labelIds")::add);
        String format = Optional.ofNullable(first(query, "format")).orElse("full");
        if (!format.equals("minimal")) {
            Set<String> wanted = Set.copyOf(query.getOrDefault("metadataHeaders", List.of()).stream()
                    .map(String::toLowerCase).toList());
            ArrayNode headers = out.putObject("payload").put("mimeType", "text/plain").putArray("headers");
            m.headers().forEach((name, value) -> {
                if (!format.equals("metadata") || wanted.contains(name.toLowerCase())) {
                    headers.addObject().put("name", name).put("value", value);
                }
            });
        }
        respond(exchange, 200, out);
    }

    private static Map<String, List<String>> params(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static void error(HttpExchange exchange, int status, String reason, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode body = error.putObject("error").put("code", status).put("message", message);
        body.putArray("errors").addObject().put("domain", "global").put("reason", reason).put("message", message);
        respond(exchange, status, error);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        JsonExchanges.respond(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
