package dev.switchboard.roles.api;

import dev.switchboard.roles.common.RoleConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts the api role in this JVM on a free port and talks to it over real HTTP. */
final class ApiFixture implements AutoCloseable {
    static final String SECRET = "test-secret-42-Zq9-0123456789abcdef";

    /** Prefix of the threads of the test's own HTTP client, which a census must not count. */
    static final String CLIENT_THREAD_PREFIX = "test-http-client-";
    /** One client for every fixture, created before any census baseline is taken. */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(java.util.concurrent.Executors.newFixedThreadPool(2,
                    Thread.ofPlatform().name(CLIENT_THREAD_PREFIX, 0).daemon(true).factory()))
            .build();

    final ApiRole api;
    final HttpClient http = CLIENT;

    /** Creates the shared client (and its selector thread) now. */
    static void warmUpClient() {
        CLIENT.version();
    }

    ApiFixture(String redisUrl) {
        api = ApiRole.start(config(redisUrl));
    }

    /** With {@code extra} configuration (limits, rate limits). */
    ApiFixture(String redisUrl, Map<String, String> extra) {
        api = ApiRole.start(config(redisUrl, extra));
    }

    static final String BIZ_A_TOKEN = "token-of-business-a-0123456789abcdef";
    static final String BIZ_B_TOKEN = "token-of-business-b-0123456789abcdef";
    static final String ADMIN_TOKEN = "token-of-the-operators-0123456789";

    static RoleConfig config(String redisUrl) {
        return config(redisUrl, Map.of());
    }

    /** The api's configuration as an operator would write it, plus {@code extra} variables. */
    static RoleConfig config(String redisUrl, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "SERVICE_ROLE", "api", "REDIS_URL", redisUrl, "PORT", "0", "LOG_LEVEL", "WARN",
                "INTERNAL_WEBHOOK_SECRET", SECRET,
                "API_TOKENS", "biz-a:" + BIZ_A_TOKEN + ",biz-b:" + BIZ_B_TOKEN,
                "ADMIN_TOKEN", ADMIN_TOKEN));
        env.putAll(extra);
        return RoleConfig.fromEnvironment(env);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    HttpResponse<String> postWebhook(String body, String secret, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/webhook/whatsapp/incoming"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("X-Internal-Secret", secret);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    HttpResponse<String> postWebhook(String body) {
        return postWebhook(body, SECRET, "application/json");
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String message(String tenant, String id, String text) {
        return """
                {"tenantId":"%s","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":false,"id":"%s"},
                  "messageTimestamp":1763853912,"pushName":"Maria Silva",
                  "message":{"conversation":"%s"}}]}}""".formatted(tenant, id, text);
    }

    static List<String> queueKeys() {
        return List.of("rq:queue:high", "rq:queue:default", "rq:queue:low", "rq:queue:maintenance",
                "rq:queue:broadcasts", "rq:queue:recordings");
    }

    @Override
    public void close() {
        api.close();
    }
}
