package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.ChatModelException;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.testsupport.FakeChatServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat-completions client against a fake OpenAI-compatible server. */
class HttpChatModelTest {
    private static final String KEY = "sk-test-0123456789abcdef";
    private final FakeChatServer fake = FakeChatServer.start(KEY, "test-model");
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        fake.close();
        http.close();
    }

    private HttpChatModel model(String key, String model, Duration timeout) {
        return new HttpChatModel(new HttpChatModel.Settings(URI.create(fake.baseUrl()), Optional.of(key), model,
                timeout, 300, "max_tokens"), http);
    }

    private static ChatRequest request() {
        return new ChatRequest("You are the assistant of Acme.",
                List.of(new ChatRequest.Turn(ChatRequest.Role.USER, "Hi"),
                        new ChatRequest.Turn(ChatRequest.Role.ASSISTANT, "Hello!"),
                        new ChatRequest.Turn(ChatRequest.Role.USER, "How much is it?")),
                new ChatRequest.Context("Acme", Optional.empty(), Optional.of("Ana"), "whatsapp"));
    }

    @Test
    void sendsTheSystemPromptAndTheConversationAndReturnsTheAnswer() {
        String answer = model(KEY, "test-model", Duration.ofSeconds(5)).complete(request());
        assertEquals("Echo: How much is it?", answer);
        JsonNode sent = fake.requests().getFirst();
        assertEquals("test-model", sent.get("model").asText());
        assertEquals(300, sent.get("max_tokens").asInt());
        JsonNode messages = sent.get("messages");
        assertEquals(4, messages.size());
        assertEquals("system", messages.get(0).get("role").asText());
        assertEquals("You are the assistant of Acme.", messages.get(0).get("content").asText());
        assertEquals("assistant", messages.get(2).get("role").asText());
        assertEquals("user", messages.get(3).get("role").asText());
    }

    @Test
    void streamsTheAnswerInPiecesThatAddUpToTheWholeAnswer() {
        java.util.List<String> pieces = new java.util.ArrayList<>();
        model(KEY, "test-model", Duration.ofSeconds(5)).stream(request(), pieces::add);
        assertTrue(pieces.size() > 1, "pieces: " + pieces);
        assertEquals(model(KEY, "test-model", Duration.ofSeconds(5)).complete(request()), String.join("", pieces));
    }

    @Test
    void aStreamRefusedBeforeItStartsIsClassifiedLikeAnAnswer() {
        fake.failNext(new FakeChatServer.Failure(429, "rate_limit_exceeded", Map.of("retry-after-ms", "1500")));
        ChatModelException limited = assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).stream(request(), piece -> { }));
        assertTrue(limited.retryable());
        assertEquals(Optional.of(Duration.ofMillis(1500)), limited.retryAfter());
    }

    @Test
    void rateLimitsAndServerErrorsAreRetryableWithTheServersDelay() {
        fake.failNext(new FakeChatServer.Failure(429, "rate_limit_exceeded", Map.of("retry-after-ms", "1500")));
        ChatModelException limited = assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request()));
        assertTrue(limited.retryable());
        assertEquals(Optional.of(Duration.ofMillis(1500)), limited.retryAfter());

        fake.failNext(new FakeChatServer.Failure(503, "overloaded", Map.of("retry-after", "2")));
        ChatModelException overloaded = assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request()));
        assertTrue(overloaded.retryable());
        assertEquals(Optional.of(Duration.ofSeconds(2)), overloaded.retryAfter());
    }

    @Test
    void anExhaustedQuotaABadKeyAndAnUnknownModelAreFinal() {
        fake.failNext(new FakeChatServer.Failure(429, "insufficient_quota", Map.of()));
        ChatModelException quota = assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request()));
        ChatModelException badKey = assertThrows(ChatModelException.class,
                () -> model("sk-wrong", "test-model", Duration.ofSeconds(5)).complete(request()));
        ChatModelException unknownModel = assertThrows(ChatModelException.class,
                () -> model(KEY, "other-model", Duration.ofSeconds(5)).complete(request()));
        for (ChatModelException e : new ChatModelException[] {quota, badKey, unknownModel}) {
            assertFalse(e.retryable(), e.getMessage());
            assertFalse(e.requestRefused(), "refuses every request, not this one: " + e.getMessage());
        }
        fake.failNext(new FakeChatServer.Failure(400, "context_length_exceeded", Map.of()));
        ChatModelException tooLong = assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request()));
        assertFalse(tooLong.retryable());
        assertTrue(tooLong.requestRefused(), "another request may get an answer: " + tooLong.getMessage());
    }

    @Test
    void aRetryAfterBeyondTwoMinutesMeansGiveUp() {
        fake.failNext(new FakeChatServer.Failure(503, "overloaded", Map.of("retry-after", "600")));
        assertFalse(assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request())).retryable());
    }

    @Test
    void theServersShouldRetryHeaderOverridesTheStatus() {
        fake.failNext(new FakeChatServer.Failure(500, "boom", Map.of("x-should-retry", "false")));
        assertFalse(assertThrows(ChatModelException.class,
                () -> model(KEY, "test-model", Duration.ofSeconds(5)).complete(request())).retryable());
    }

    @Test
    void anUnreachableServerIsRetryableAndNoSecretIsPrinted() {
        HttpChatModel.Settings settings = new HttpChatModel.Settings(URI.create("http://127.0.0.1:1/v1"),
                Optional.of(KEY), "m", Duration.ofSeconds(2), 10, "max_tokens");
        assertFalse(settings.toString().contains(KEY));
        ChatModelException e = assertThrows(ChatModelException.class, () -> new HttpChatModel(settings, http).complete(request()));
        assertTrue(e.retryable());
        assertFalse(e.getMessage().contains(KEY));
    }
}
