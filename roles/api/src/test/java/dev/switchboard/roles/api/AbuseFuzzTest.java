package dev.switchboard.roles.api;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authenticated and semi-authenticated abuse the first fuzz test does not reach: tokens that are
 * almost right, awkward characters in ids, many scrapes at once, hundreds of idle slow connections
 * while a webhook must still be answered.
 */
class AbuseFuzzTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(redis.url());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static int get(String path, String token) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).GET().build()).statusCode();
    }

    /** A comparison that accepted a shared prefix, a length mismatch or a last-character slip would pass here. */
    @Test
    void nearMissTokensAreAllRefused() {
        for (String token : List.of(ApiFixture.BIZ_A_TOKEN, ApiFixture.ADMIN_TOKEN)) {
            char last = token.charAt(token.length() - 1);
            List<String> nearMisses = List.of(
                    token.substring(0, token.length() - 1) + (char) (last == 'f' ? 'e' : 'f'),
                    token + "x",
                    token.substring(0, token.length() - 1),
                    token.substring(1),
                    token.substring(0, 8) + "junk-junk-junk-junk-junk-junk-junk",
                    token.substring(0, 8),
                    token.toUpperCase(java.util.Locale.ROOT),
                    "x" + token.substring(1),
                    token + token);
            for (String nearMiss : nearMisses) {
                assertEquals(401, get("/api/jobs?state=queued", nearMiss), "near miss accepted: " + nearMiss);
            }
            assertEquals(200, get("/api/jobs?state=queued", token), "the token itself works");
        }
    }

    @Test
    void awkwardCharactersInIdsAreRefusedWithout5xx() {
        for (String id : List.of("\ud800", "a\u0000b", "line\u2028sep", "\uffff", "x".repeat(1000), "%00", "..", "_system")) {
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            int status = get("/api/jobs/" + encoded, ApiFixture.BIZ_A_TOKEN);
            assertTrue(status == 400 || status == 404, id + " -> " + status);
            HttpResponse<String> webhook = api.postWebhook(ApiFixture.message("t1", id.replace("\\", ""), "hi")
                    .replace("\"" + id.replace("\\", "") + "\"", "\"" + jsonEscaped(id) + "\""));
            assertTrue(webhook.statusCode() < 500, id + " -> " + webhook.statusCode() + " " + webhook.body());
            HttpResponse<String> tenant = api.postWebhook(ApiFixture.message(jsonEscaped(id), "M-" + id.length(), "hi"));
            assertTrue(tenant.statusCode() < 500, "tenant " + id + " -> " + tenant.statusCode() + " " + tenant.body());
        }
    }

    private static String jsonEscaped(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    @Test
    void manyParallelScrapesAllAnswer() {
        List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String path = i % 2 == 0 ? "/metrics" : "/api/jobs/health";
            scrapes.add(api.http.sendAsync(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> scrape : scrapes) {
            int status = scrape.join().statusCode();
            assertTrue(status == 200 || status == 503, "scrape answered " + status); // health is 503 without a scheduler
        }
    }

    @Test
    void idleSlowConnectionsDoNotStopWebhooks() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = new Socket("127.0.0.1", api.api.port());
                socket.getOutputStream().write("POST /webhook/whatsapp/incoming HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                idle.add(socket);
            }
            long started = System.nanoTime();
            HttpResponse<String> response = api.postWebhook(ApiFixture.message("t-slow", "SLOW-1", "hi"));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(System.nanoTime() - started < 5_000_000_000L, "answered within 5 s beside 300 idle connections");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }
}
