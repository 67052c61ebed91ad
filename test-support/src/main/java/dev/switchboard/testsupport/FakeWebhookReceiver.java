package dev.switchboard.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a local port that verifies Standard Webhooks signatures the way the spec's
 * libraries do (docs/webhooks.md §4), written independently of the sender: all three headers
 * present (400), {@code |now − webhook-timestamp| ≤ 5 min} (401), a {@code v1,} entry matching
 * HMAC-SHA256(base64decode(secret without whsec_), id.timestamp.body) in constant time, against
 * any of its secrets (401). It records every attempt and, per verified {@code webhook-id},
 * accepts the event once (receivers deduplicate).
 *
 * <p>Its mood: up (200), down (503), gone (410), or a script of answers for the next requests
 * ({@code 500, 500, 200}; a 302; 429 with {@code Retry-After}); it can hang to force timeouts.
 */
public final class FakeWebhookReceiver implements AutoCloseable {

    /** One request, verified or not. */
    public record Attempt(String webhookId, long timestamp, String body, int answered) { }

    private record Scripted(int status, String retryAfter, Duration hang) { }

    private final HttpServer server;
    private final List<byte[]> keys;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Map<String, String> accepted = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final AtomicInteger mood = new AtomicInteger(200);

    /** @param secrets the {@code whsec_} secrets it accepts (two while rotating) */
    public static FakeWebhookReceiver start(String... secrets) {
        try {
            return new FakeWebhookReceiver(List.of(secrets));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake webhook receiver", e);
        }
    }

    private FakeWebhookReceiver(List<String> secrets) throws IOException {
        this.keys = secrets.stream().map(s -> Base64.getDecoder().decode(s.substring("whsec_".length()))).toList();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/switchboard";
    }

    /** Answers 200 again. */
    public void up() {
        mood.set(200);
    }

    /** Answers 503 until {@link #up()}. */
    public void down() {
        mood.set(503);
    }

    /** Answers 410 Gone: it wants no more webhooks. */
    public void gone() {
        mood.set(410);
    }

    /** The next requests answer these statuses in order, then the mood again. */
    public synchronized void script(int... statuses) {
        for (int status : statuses) {
            script.add(new Scripted(status, null, Duration.ZERO));
        }
    }

    /** The next request answers {@code status} with {@code Retry-After: retryAfter}. */
    public synchronized void scriptRetryAfter(int status, String retryAfter) {
        script.add(new Scripted(status, retryAfter, Duration.ZERO));
    }

    /** The next request is answered 200 only after {@code delay}. */
    public synchronized void scriptHang(Duration delay) {
        script.add(new Scripted(200, null, delay));
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Events accepted (2xx after a valid signature), once per webhook-id: id → body. */
    public Map<String, String> accepted() {
        synchronized (accepted) {
            return Map.copyOf(accepted);
        }
    }

    private synchronized Scripted next() {
        return script.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            String id = headers.getFirst("webhook-id");
            String ts = headers.getFirst("webhook-timestamp");
            String signatures = headers.getFirst("webhook-signature");
            long timestamp = ts != null && ts.matches("[0-9]{1,12}") ? Long.parseLong(ts) : -1;
            int status;
            Scripted scripted = null;
            if (id == null || ts == null || signatures == null || timestamp < 0) {
                status = 400;
            } else if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > 300) {
                status = 401;
            } else if (!verifies(id, ts, raw, signatures)) {
                status = 401;
            } else {
                scripted = next();
                status = scripted != null ? scripted.status() : mood.get();
            }
            attempts.add(new Attempt(id, timestamp, body, status));
            if (scripted != null && scripted.hang().isPositive()) {
                try {
                    Thread.sleep(scripted.hang());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (status >= 200 && status < 300) {
                accepted.putIfAbsent(id, body);
            }
            if (scripted != null && scripted.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", scripted.retryAfter());
            }
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    private boolean verifies(String id, String timestamp, byte[] body, String header) {
        try {
            for (byte[] key : keys) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
                byte[] expected = Base64.getEncoder().encode(mac.doFinal(body));
                for (String entry : header.split(" ")) {
                    if (entry.startsWith("v1,") && MessageDigest.isEqual(expected,
                            entry.substring(3).getBytes(StandardCharsets.US_ASCII))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
