package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.PushNotification;
import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.WebPushSender;

import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link WebPushSender} over the JDK's HTTP client (docs/push.md): the payload
 * {@code {"title","body","url"}} encrypted per RFC 8291 ({@code aes128gcm}), a VAPID header per
 * RFC 8292, {@code TTL}, {@code Urgency} and {@code Topic}; every request through the
 * {@link OutboundGuard}, since the endpoint comes from a browser.
 *
 * <p>Answers: 2xx delivered (accepted by the push service); 404/410 the subscription is gone;
 * 429 and 5xx, timeouts and unreachable services retry later, with {@code Retry-After} when given;
 * anything else (400 our bug, 401/403 a key problem, 413 too large, a refused destination) is
 * final.
 */
public final class HttpWebPushSender implements WebPushSender {

    /**
     * @param subject      {@code VAPID_SUBJECT}: {@code mailto:} or {@code https:}
     * @param timeout      one request's deadline
     * @param maxRedirects 307/308 hops followed (each checked by the guard)
     */
    public record Settings(String subject, Duration timeout, int maxRedirects) {
        public Settings {
            subject = VapidKeys.subject(subject);
            Objects.requireNonNull(timeout, "timeout");
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("maxRedirects must be >= 0");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final OutboundGuard guard;
    private final Clock clock;
    private final VapidTokens vapid;
    private final WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());

    public HttpWebPushSender(Settings settings, VapidKeyPair keys, OutboundGuard guard, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.vapid = new VapidTokens(keys, settings.subject(), clock);
    }

    @Override
    public DeliveryOutcome send(PushSubscription subscription, PushNotification notification) {
        URI endpoint = URI.create(subscription.endpoint());
        byte[] body;
        try {
            body = encryption.encrypt(payload(notification), subscription.publicKey(), subscription.authSecret());
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Rejected("cannot encrypt: " + e.getMessage(), 0);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("TTL", Long.toString(notification.ttl().toSeconds()))
                .header("Urgency", notification.urgency().header())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Encoding", "aes128gcm")
                .header("Authorization", vapid.authorization(endpoint))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        notification.topic().ifPresent(topic -> request.header("Topic", topic));
        HttpResponse<byte[]> response;
        try {
            response = guard.send(request.build(), settings.maxRedirects());
        } catch (RefusedDestinationException e) {
            return new DeliveryOutcome.Rejected("refused destination: " + e.getMessage(), 0);
        } catch (HttpTimeoutException e) {
            return new DeliveryOutcome.RetryLater("no answer within " + settings.timeout().toMillis() + " ms", 0,
                    Optional.empty());
        } catch (UnknownHostException e) {
            return new DeliveryOutcome.RetryLater("cannot resolve " + endpoint.getHost(), 0, Optional.empty());
        } catch (IOException e) {
            return new DeliveryOutcome.RetryLater("cannot reach the push service: " + e.getClass().getSimpleName(), 0,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater("interrupted", 0, Optional.empty());
        }
        return outcome(response);
    }

    private DeliveryOutcome outcome(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        if (status == 404 || status == 410) {
            return new DeliveryOutcome.Gone(status);
        }
        String detail = "push service answered " + status + describe(response.body());
        if (status == 429 || status >= 500) {
            return new DeliveryOutcome.RetryLater(detail, status, RetryAfter.of(response, clock));
        }
        return new DeliveryOutcome.Rejected(switch (status) {
            case 401, 403 -> detail + " (VAPID refused: is this the key the browser subscribed with?)";
            case 413 -> detail + " (payload too large)";
            default -> detail;
        }, status);
    }

    static byte[] payload(PushNotification notification) {
        ObjectNode json = JSON.createObjectNode().put("title", notification.title()).put("body", notification.body());
        notification.url().ifPresent(url -> json.put("url", url));
        // The topic again, for the page: a service worker that shows it as the notification's
        // `tag` replaces a copy already shown (a repeat after a worker was killed) instead of
        // showing a second one; Topic alone only replaces a copy not yet delivered.
        notification.topic().ifPresent(topic -> json.put("tag", topic));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " ");
    }
}
