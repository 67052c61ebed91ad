package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.out.OutgoingWhatsAppMessage;
import dev.switchboard.ports.out.SentWhatsAppMessage;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSendException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link WhatsAppGateway} over the gateway's HTTP contract (docs/whatsapp.md): {@code POST
 * {gateway}/send} with {@code X-Gateway-Secret} and {@code Idempotency-Key}. One attempt per call;
 * the job's retry policy does the retrying, always with the same client message id, so the
 * gateway answers a repeat with 409 {@code duplicate} instead of sending twice.
 */
public final class HttpWhatsAppGateway implements WhatsAppGateway {

    /**
     * @param baseUrl the gateway, e.g. {@code http://gateway:3000}
     * @param secret  its shared secret (never logged)
     * @param timeout the whole request's deadline (the contract: 20 s for text)
     */
    public record Settings(URI baseUrl, String secret, Duration timeout) {
        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", secret=<set>, timeout=" + timeout + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;
    private final Clock clock;

    public HttpWhatsAppGateway(Settings settings, HttpClient http, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/send");
    }

    @Override
    public SentWhatsAppMessage send(OutgoingWhatsAppMessage message) {
        ObjectNode body = JSON.createObjectNode()
                .put("tenantId", message.tenantId())
                .put("to", message.to())
                .put("text", message.text())
                .put("clientMessageId", message.clientMessageId());
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("X-Gateway-Secret", settings.secret())
                .header("Idempotency-Key", message.clientMessageId())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new WhatsAppSendException("no answer within " + settings.timeout().toMillis()
                    + " ms; outcome unknown, retry with the same id", 0, true, Optional.empty());
        } catch (IOException e) {
            throw new WhatsAppSendException("cannot reach the gateway: " + e.getClass().getSimpleName(), 0, true,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WhatsAppSendException("interrupted; outcome unknown", 0, true, Optional.empty());
        }
        return outcome(message, response);
    }

    private SentWhatsAppMessage outcome(OutgoingWhatsAppMessage message, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        Optional<Duration> retryAfter = HttpChatModel.retryAfter(response);
        if (status == 200) {
            return sent(message, json, false);
        }
        if (status == 409) {
            if ("duplicate".equals(json.path("status").asText())) {
                return sent(message, json, true);
            }
            throw new WhatsAppSendException("the same message is still being sent", status, true, retryAfter);
        }
        String error = json.path("error").asText("");
        String reason = error.isEmpty() ? "HTTP " + status : error;
        boolean retryable = status == 429 || status >= 500;
        throw new WhatsAppSendException(reason, status, retryable, retryable ? retryAfter : Optional.empty());
    }

    private SentWhatsAppMessage sent(OutgoingWhatsAppMessage message, JsonNode json, boolean alreadySent) {
        String messageId = json.path("messageId").asText("");
        if (messageId.isEmpty()) {
            // The message went out but we cannot name it: retrying returns the duplicate and its id.
            throw new WhatsAppSendException("the gateway's answer carries no messageId", 200, true, Optional.empty());
        }
        String remoteJid = json.path("remoteJid").asText(message.to());
        long timestamp = json.path("timestamp").asLong(0);
        Instant at = timestamp > 0 ? Instant.ofEpochSecond(timestamp) : clock.instant();
        return new SentWhatsAppMessage(messageId, remoteJid.isEmpty() ? message.to() : remoteJid, at, alreadySent);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
