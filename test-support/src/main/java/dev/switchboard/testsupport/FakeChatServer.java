package dev.switchboard.testsupport;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server on a local port ({@code POST /v1/chat/completions}),
 * checking what the real service checks: the bearer key (401 {@code invalid_api_key}), the model
 * (404 {@code model_not_found}), the request's shape — a non-empty {@code messages} array of
 * {@code role}/{@code content} strings with known roles (400). It answers with the real response
 * shape; the answer comes from a function of the request's messages. Scripted failures answer
 * the next requests with a status, body and headers of the test's choosing.
 */
public final class FakeChatServer implements AutoCloseable {

    /** A scripted failure: status, OpenAI error code, extra headers. */
    public record Failure(int status, String code, Map<String, String> headers) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private final HttpServer server;
    private final byte[] key;
    private final String model;
    private final Function<JsonNode, String> answer;
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;

    /** A server answering {@code "Echo: <the last user message>"}. */
    public static FakeChatServer start(String apiKey, String model) {
        return start(apiKey, model, messages -> {
            String last = "";
            for (JsonNode m : messages) {
                if (m.path("role").asText().equals("user")) {
                    last = m.path("content").asText();
                }
            }
            return "Echo: " + last;
        });
    }

    public static FakeChatServer start(String apiKey, String model, Function<JsonNode, String> answer) {
        try {
            return new FakeChatServer(apiKey, model, answer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake chat server", e);
        }
    }

    private FakeChatServer(String apiKey, String model, Function<JsonNode, String> answer) throws IOException {
        this.key = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.model = model;
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL clients are configured with ({@code AI_BASE_URL}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The valid requests received, in order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The next request gets this failure instead of an answer (queued in order). */
    public void failNext(Failure failure) {
        failures.add(failure);
    }

    /** Every answer takes at least {@code delay} from now on (a slow model). */
    public void answerAfter(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/v1/chat/completions")
                    || !exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 404, error("unknown_url", "invalid_request_error"));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(key, auth.getBytes(StandardCharsets.UTF_8))) {
                respond(exchange, 401, error("invalid_api_key", "invalid_request_error"));
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(exchange.getRequestBody().readNBytes(4 << 20));
            } catch (IOException e) {
                respond(exchange, 400, error("invalid_json", "invalid_request_error"));
                return;
            }
            String invalid = invalid(body);
            if (invalid != null) {
                respond(exchange, 400, error(invalid, "invalid_request_error"));
                return;
            }
            if (!body.get("model").asText().equals(model)) {
                respond(exchange, 404, error("model_not_found", "invalid_request_error"));
                return;
            }
            Failure failure = failures.poll();
            if (failure != null) {
                failure.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                respond(exchange, failure.status(), error(failure.code(), "server_error"));
                return;
            }
            requests.add(body);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String content = answer.apply(body.get("messages"));
            if (body.path("stream").asBoolean(false)) {
                stream(exchange, content);
                return;
            }
            ObjectNode response = JSON.createObjectNode().put("id", "chatcmpl-" + requests.size())
                    .put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000)
                    .put("model", model);
            ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", content);
            choice.put("finish_reason", "stop");
            response.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 10).put("total_tokens", 20);
            respond(exchange, 200, response);
        }
    }

    /**
     * {@code stream: true}: the answer as server-sent events the way OpenAI sends them: a first
     * chunk with the role, the content a few characters per chunk (each flushed), a keep-alive
     * comment, a chunk with {@code finish_reason}, a usage chunk with no choices, {@code [DONE]}.
     */
    private void stream(HttpExchange exchange, String content) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            String id = "chatcmpl-" + requests.size();
            ObjectNode first = chunk(id);
            first.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", "");
            event(out, first.toString());
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < content.length(); i += 5) {
                ObjectNode c = chunk(id);
                c.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                        .putObject("delta").put("content", content.substring(i, Math.min(content.length(), i + 5)));
                event(out, c.toString());
            }
            ObjectNode last = chunk(id);
            last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
            event(out, last.toString());
            ObjectNode usage = chunk(id);
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 10).put("total_tokens", 20);
            event(out, usage.toString());
            event(out, "[DONE]");
        }
    }

    private ObjectNode chunk(String id) {
        return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String invalid(JsonNode body) {
        if (body == null || !body.isObject() || !body.path("model").isTextual()) {
            return "model_required";
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            return "messages_required";
        }
        for (JsonNode m : messages) {
            if (!m.path("role").isTextual() || !ROLES.contains(m.get("role").asText()) || !m.path("content").isTextual()) {
                return "invalid_message";
            }
        }
        return null;
    }

    private static ObjectNode error(String code, String type) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", code.replace('_', ' ')).put("type", type).putNull("param").put("code", code);
        return root;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        JsonExchanges.respond(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
