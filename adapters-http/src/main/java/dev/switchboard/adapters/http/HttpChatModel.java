package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatModelException;
import dev.switchboard.ports.out.ChatRequest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ChatModel} over an OpenAI-compatible {@code POST {base}/chat/completions} (OpenAI, vLLM,
 * llama.cpp, Ollama; docs/ai.md). One attempt per call: retries belong to the job's retry policy,
 * so a worker slot never sleeps on a rate limit. Statuses are classified as the official SDK
 * does: 408, 409, 429 (except an exhausted quota) and 5xx, timeouts and refused connections are
 * retryable; other 4xx are not; an {@code x-should-retry} header overrides; {@code retry-after-ms}
 * or {@code retry-after} (seconds) up to two minutes becomes the least delay before the retry.
 */
public final class HttpChatModel implements ChatModel {

    /**
     * @param baseUrl        e.g. {@code https://api.openai.com/v1} (the path before /chat/completions)
     * @param apiKey         sent as a bearer token when present (never logged)
     * @param model          the model name
     * @param timeout        the whole request's deadline
     * @param maxTokens      the answer's length limit
     * @param maxTokensField {@code max_tokens} (local servers) or {@code max_completion_tokens} (OpenAI)
     */
    public record Settings(URI baseUrl, Optional<String> apiKey, String model, Duration timeout, int maxTokens,
                           String maxTokensField) {
        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(maxTokensField, "maxTokensField");
        }

        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isPresent() ? "<set>" : "<unset>")
                    + ", model=" + model + ", timeout=" + timeout + ", maxTokens=" + maxTokens + "]";
        }
    }

    /** Retry-After values beyond this mean "give up" (the SDK's rule). */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;

    public HttpChatModel(Settings settings, HttpClient http) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }

    @Override
    public String complete(ChatRequest request) {
        HttpResponse<String> response = send(request, false, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            return content(response.body());
        }
        throw failure(response);
    }

    /**
     * {@code "stream": true}: reads the server-sent events as they arrive (docs/ai.md, Streaming)
     * and hands each {@code choices[0].delta.content} to {@code text}. The timeout bounds the wait
     * for the response's headers, so it acts as a first-token timeout; {@code :} comments, unknown
     * {@code event:} lines and chunks without choices (the usage chunk) are skipped; {@code [DONE]}
     * ends the answer; an {@code error} payload after the 200 is a failure that is never retryable
     * (part of the answer may already have been used).
     */
    @Override
    public void stream(ChatRequest request, java.util.function.Consumer<String> text) {
        HttpResponse<java.util.stream.Stream<String>> response = send(request, true, HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String body = String.join("\n", (Iterable<String>) lines::iterator);
                throw failure(response.statusCode(), body, response.headers());
            }
            for (java.util.Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (!line.startsWith("data:")) {
                    continue;                      // blank separators, ": keep-alive", "event: ..."
                }
                String data = line.substring(5).strip();
                if (data.startsWith("[DONE]")) {
                    return;
                }
                JsonNode chunk;
                try {
                    chunk = JSON.readTree(data);
                } catch (IOException e) {
                    throw new ChatModelException("the AI streamed an event that is not JSON", false, Optional.empty());
                }
                if (chunk.has("error")) {
                    throw new ChatModelException("the AI failed mid-answer: " + chunk.path("error").path("message").asText(""),
                            false, Optional.empty());
                }
                JsonNode choices = chunk.path("choices");
                if (choices.isArray() && !choices.isEmpty()) {
                    JsonNode content = choices.get(0).path("delta").path("content");
                    if (content.isTextual() && !content.asText().isEmpty()) {
                        text.accept(content.asText());
                    }
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new ChatModelException("the AI's stream broke off: " + e.getCause().getClass().getSimpleName(),
                    false, Optional.empty());
        }
    }

    /** One request to the endpoint; no answer at all is a retryable failure. */
    private <T> HttpResponse<T> send(ChatRequest request, boolean stream, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(request, stream)));
        settings.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        try {
            return http.send(builder.build(), handler);
        } catch (HttpTimeoutException e) {
            throw new ChatModelException("no answer within " + settings.timeout().toMillis() + " ms", true, Optional.empty());
        } catch (IOException e) {
            throw new ChatModelException("cannot reach " + endpoint.getHost() + ": " + e.getClass().getSimpleName(),
                    true, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatModelException("interrupted", true, Optional.empty());
        }
    }

    private String body(ChatRequest request, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", settings.model());
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", request.systemPrompt());
        for (ChatRequest.Turn turn : request.turns()) {
            messages.addObject().put("role", turn.role().name().toLowerCase(Locale.ROOT)).put("content", turn.content());
        }
        body.put(settings.maxTokensField(), settings.maxTokens());
        body.put("temperature", 0.4);
        body.put("stream", stream);
        return body.toString();
    }

    private static String content(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new ChatModelException("the AI answered 200 with a body that is not JSON", true, Optional.empty());
        }
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw new ChatModelException("the AI answered without choices", true, Optional.empty());
        }
        JsonNode content = choices.get(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new ChatModelException("the AI answered without message content", true, Optional.empty());
        }
        return content.asText();
    }

    static ChatModelException failure(HttpResponse<String> response) {
        return failure(response.statusCode(), response.body(), response.headers());
    }

    static ChatModelException failure(int status, String body, java.net.http.HttpHeaders headers) {
        String code = errorCode(body);
        boolean retryable = switch (status) {
            case 408, 409 -> true;
            case 429 -> !"insufficient_quota".equals(code);
            default -> status >= 500;
        };
        Optional<String> override = headers.firstValue("x-should-retry");
        if (override.isPresent()) {
            retryable = "true".equalsIgnoreCase(override.get());
        }
        Optional<Duration> after = retryAfter(headers);
        if (after.isPresent() && after.get().compareTo(MAX_RETRY_AFTER) > 0) {
            retryable = false;
        }
        boolean requestRefused = !retryable && (status == 400 || status == 413 || status == 422);
        return new ChatModelException("HTTP " + status + (code.isEmpty() ? "" : " (" + code + ")"), retryable,
                retryable ? after : Optional.empty(), requestRefused);
    }

    private static String errorCode(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            String code = error.path("code").asText("");
            return code.isEmpty() ? error.path("type").asText("") : code;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return retryAfter(response.headers());
    }

    static Optional<Duration> retryAfter(java.net.http.HttpHeaders headers) {
        Optional<Duration> ms = headers.firstValue("retry-after-ms").flatMap(v -> parse(v, true));
        return ms.isPresent() ? ms : headers.firstValue("retry-after").flatMap(v -> parse(v, false));
    }

    private static Optional<Duration> parse(String value, boolean millis) {
        try {
            double number = Double.parseDouble(value.strip());
            if (number < 0 || Double.isNaN(number)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis((long) (millis ? number : number * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: rare for these servers; the policy's interval applies
        }
    }
}
