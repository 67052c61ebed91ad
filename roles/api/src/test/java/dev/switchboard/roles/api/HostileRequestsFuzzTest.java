package dev.switchboard.roles.api;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000+ malformed or hostile requests across every endpoint: broken and hostile JSON, wrong
 * types, unknown fields, wrong or missing secrets and tokens, wrong content types, oversized
 * bodies, odd methods and paths, and raw protocol garbage. None may produce a 5xx or a job, and
 * the process must serve normally afterwards. Seeded, so a failure can be replayed.
 */
class HostileRequestsFuzzTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static final int HTTP_REQUESTS = 10_000;
    private static final int RAW_REQUESTS = 300;
    private static final long SEED = 20261124L;

    private static final List<String> PATHS = List.of("/webhook/whatsapp/incoming", "/api/push", "/api/broadcasts",
            "/api/jobs", "/api/jobs/abc", "/api/jobs/abc/cancel", "/api/jobs/abc/requeue", "/api/runs/r1/cancel",
            "/api/jobs/health", "/health", "/metrics", "/webhook/twilio/voice", "/webhook/twilio/status",
            "/webhook/twilio/recording", "/dashboard", "/api/jobs/..%2F..%2Fetc%2Fpasswd", "/api/jobs/%00",
            "/api/jobs/" + "x".repeat(300), "/nope", "/webhook/whatsapp/incoming/extra", "/api/jobs?state=%FF",
            "/api/jobs?limit=-1&offset=99999999999", "/api/jobs?state=failed&queue=../../x");

    @Test
    void hostileRequestsNeverCause5xxOrAJob() throws Exception {
        Random random = new Random(SEED);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, String> fiveHundreds = new ConcurrentHashMap<>();
        try (ApiFixture api = new ApiFixture(redis.url())) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Semaphore inFlight = new Semaphore(16);
            CompletableFuture<?>[] all = new CompletableFuture<?>[HTTP_REQUESTS];
            for (int i = 0; i < HTTP_REQUESTS; i++) {
                HttpRequest request = hostile(api, random, i);
                inFlight.acquire();
                all[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .handle((response, error) -> {
                            inFlight.release();
                            int status = error != null ? -1 : response.statusCode();
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            // /api/jobs/health answers 503 "unhealthy" by design: no scheduler runs here.
                            boolean healthSignal = status == 503 && request.uri().getPath().equals("/api/jobs/health")
                                    && response.body().contains("\"status\":\"unhealthy\"");
                            // Broadcasts live in the CRM store, which this api has none of: 503 naming it.
                            boolean noStore = status == 503 && request.uri().getPath().equals("/api/broadcasts")
                                    && response.body().contains("DATABASE_URL");
                            if (status >= 500 && !healthSignal && !noStore) {
                                fiveHundreds.putIfAbsent(request.method() + " " + request.uri(), response.body());
                            }
                            return null;
                        });
            }
            CompletableFuture.allOf(all).join();
            for (int i = 0; i < RAW_REQUESTS; i++) {
                int status = raw(api.api.port(), random);
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status >= 500) {
                    fiveHundreds.putIfAbsent("raw request " + i, "status " + status);
                }
            }
            System.out.println("fuzz: " + (HTTP_REQUESTS + RAW_REQUESTS) + " hostile requests, responses by status "
                    + new TreeMap<>(statuses) + " (0 = connection closed without a response, -1 = client error)");

            assertTrue(fiveHundreds.isEmpty(), "5xx answers: " + fiveHundreds);
            assertEquals(0, redis.commands().keys("rq:job:*").size(), "no job was written");
            assertEquals(0, ApiFixture.queueKeys().stream().mapToLong(k -> redis.commands().llen(k)).sum());

            assertEquals(200, api.get("/health").statusCode(), "still alive");
            HttpResponse<String> valid = api.postWebhook(ApiFixture.message("t1", "AFTER-FUZZ", "still works"));
            assertEquals(200, valid.statusCode(), valid.body());
            assertEquals(1L, redis.commands().llen("rq:queue:default"));
        }
    }

    private static HttpRequest hostile(ApiFixture api, Random random, int i) {
        String path = PATHS.get(random.nextInt(PATHS.size()));
        // Mostly the route's own method, so most requests reach a handler rather than a 404.
        boolean readRoute = path.startsWith("/api/jobs") && !path.endsWith("/cancel") && !path.endsWith("/requeue")
                || path.equals("/health") || path.equals("/metrics") || path.equals("/dashboard");
        String method = random.nextInt(5) > 0 ? (readRoute ? "GET" : "POST")
                : pick(random, "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.api.port() + path))
                .timeout(Duration.ofSeconds(30));
        String body = hostileBody(random, path);
        request.method(method, method.equals("GET") || method.equals("DELETE") || method.equals("OPTIONS")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(random.nextInt(20) == 0 ? randomBytes(random) : body.getBytes(StandardCharsets.UTF_8)));
        request.header("Content-Type", pick(random, "application/json", "application/json", "application/json; charset=utf-8",
                "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x",
                "application/jsonx", "*/*"));
        switch (random.nextInt(4)) {
            case 0 -> request.header("X-Internal-Secret", ApiFixture.SECRET); // right secret, hostile body
            case 1 -> request.header("X-Internal-Secret", pick(random, "wrong", "", " " + ApiFixture.SECRET, "x".repeat(5000)));
            case 2 -> request.header("Authorization", "Bearer " + pick(random, ApiFixture.BIZ_A_TOKEN, ApiFixture.ADMIN_TOKEN,
                    "nope", "", "Bearer", "x".repeat(2000)));
            default -> request.header("Authorization", pick(random, "Basic YWRtaW46YWRtaW4=", "Bearer", "bearer  ", "Token abc"));
        }
        if (random.nextBoolean()) {
            request.header("X-Twilio-Signature", pick(random, "", "AAAA", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "%%%"));
        }
        if (random.nextInt(10) == 0) {
            request.header("X-Request-Id", pick(random, "<script>", "x".repeat(1000), "ok-" + i, "\u00e9\u00e9"));
        }
        return request.build();
    }

    /** A body that is never a valid request for any endpoint. */
    private static String hostileBody(Random random, String path) {
        String validWebhook = ApiFixture.message("t_" + random.nextInt(5), "ID-" + random.nextInt(1000), "hi");
        return switch (random.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> validWebhook.substring(0, random.nextInt(validWebhook.length()));           // truncated
            case 3 -> validWebhook.replace("\"tenantId\"", "\"tenant\"");                          // missing field
            case 4 -> validWebhook.replace("\"payload\"", "\"evil\":1,\"payload\"");              // unknown field
            case 5 -> validWebhook.replace("\"t_", "42, \"x\":\"");                               // wrong type
            case 6 -> validWebhook.replace("@s.whatsapp.net", "@evil.example");                   // not a JID
            case 7 -> "[".repeat(5000) + "]".repeat(5000);                                         // deep nesting
            case 8 -> "{\"tenantId\":\"t\",\"payload\":{\"messages\":[]}}";                        // empty messages
            case 9 -> "{\"tenantId\":\"" + "x".repeat(200) + "\",\"payload\":{\"messages\":[{}]}}";
            case 10 -> "{\"tenantId\":\"t\",\"tenantId\":\"u\",\"payload\":{}}";                   // duplicate key
            case 11 -> "{\"notification_id\":1e999999,\"user_id\":null,\"title\":[],\"body\":{}}";
            case 12 -> "{\"message\":\"m\",\"recipients\":[\"" + "1".repeat(40) + "\"],\"run_id\":\"../../x\"}";
            case 13 -> "CallSid=&From=%ZZ&To=" + "9".repeat(3000);
            case 14 -> "null";
            default -> "{\"a\":\"\\ud800\",\"b\":\"\u0000\",\"c\":" + "9".repeat(400) + "}";
        } + (path.contains("whatsapp") && random.nextInt(50) == 0 ? "x".repeat(1_100_000) : "");
    }

    /** Raw HTTP/1.1 garbage: bad request lines, bad headers, lying lengths. Returns the status, or 0. */
    private static int raw(int port, Random random) throws Exception {
        String request = switch (random.nextInt(8)) {
            case 0 -> "GARBAGE\r\n\r\n";
            case 1 -> "POST /webhook/whatsapp/incoming HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n";
            case 2 -> "POST /webhook/whatsapp/incoming HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{\"a\":";
            case 3 -> "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 4 -> "POST /api/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n";
            case 5 -> "GET /health HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n";
            case 6 -> "POST /api/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}";
            default -> "GET /health HTTP/9.9\r\n\r\n";
        };
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            if (line.startsWith("HTTP/1.1 ") && line.length() >= 12) {
                return Integer.parseInt(line.substring(9, 12));
            }
            return 0;
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            return 0;
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(2048)];
        random.nextBytes(bytes);
        return bytes;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
