package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.WebhookMessage;
import dev.switchboard.ports.out.WebhookSender;

import java.io.IOException;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link WebhookSender} per Standard Webhooks (docs/webhooks.md): one POST with
 * {@code webhook-id} (the same on every retry), {@code webhook-timestamp} (this attempt's) and
 * {@code webhook-signature}, the body sent as exactly the bytes signed. Through the
 * {@link OutboundGuard}, following no redirects (the spec: a 3xx is a failure, the URL should be
 * fixed).
 *
 * <p>Answers: 2xx delivered; 410 the receiver wants no more (disable the endpoint); 408, 425, 429,
 * 3xx, 5xx, timeouts and unreachable receivers retry later, honouring {@code Retry-After}; any
 * other 4xx and a refused destination are final.
 */
public final class HttpWebhookSender implements WebhookSender {

    /** @param timeout one attempt's deadline (the spec: 15–30 s; a late 2xx still counts as a failure) */
    public record Settings(Duration timeout) {
        public Settings {
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private final Settings settings;
    private final OutboundGuard guard;
    private final Clock clock;

    public HttpWebhookSender(Settings settings, OutboundGuard guard, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public DeliveryOutcome send(WebhookMessage message) {
        long timestamp = clock.instant().getEpochSecond();
        String signature;
        try {
            signature = StandardWebhookSignature.header(message.secrets(), message.messageId(), timestamp, message.body());
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Rejected("bad endpoint secret: " + e.getMessage(), 0);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(message.url())
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("webhook-id", message.messageId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message.body().getBytes(StandardCharsets.UTF_8)))
                    .build();
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Rejected("bad endpoint URL: " + e.getMessage(), 0);
        }
        HttpResponse<byte[]> response;
        try {
            response = guard.send(request, 0);
        } catch (RefusedDestinationException e) {
            return new DeliveryOutcome.Rejected("refused destination: " + e.getMessage(), 0);
        } catch (HttpTimeoutException e) {
            return new DeliveryOutcome.RetryLater("no answer within " + settings.timeout().toMillis() + " ms", 0,
                    Optional.empty());
        } catch (UnknownHostException e) {
            return new DeliveryOutcome.RetryLater("cannot resolve " + message.url().getHost(), 0, Optional.empty());
        } catch (IOException e) {
            return new DeliveryOutcome.RetryLater("cannot reach the endpoint: " + e.getClass().getSimpleName(), 0,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater("interrupted", 0, Optional.empty());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        if (status == 410) {
            return new DeliveryOutcome.Gone(status);
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 300 && status < 400) || status >= 500) {
            String reason = "endpoint answered " + status + (status < 400 ? " (redirects are not followed: fix the URL)" : "");
            return new DeliveryOutcome.RetryLater(reason, status, RetryAfter.of(response, clock));
        }
        return new DeliveryOutcome.Rejected("endpoint answered " + status, status);
    }
}
