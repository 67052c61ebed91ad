package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a push shows on a device, and how the push service should treat it (RFC 8030 §5).
 *
 * @param title   the notification's title
 * @param body    its text
 * @param url     the page opened on click
 * @param ttl     how long the push service keeps it for an offline device (0: now or never)
 * @param urgency a hint for battery-saving devices
 * @param topic   a newer push with the same topic replaces an undelivered one
 */
public record PushNotification(String title, String body, Optional<String> url, Duration ttl, Urgency urgency,
                               Optional<String> topic) {
    /** The longest topic (RFC 8030 §5.4: 32 characters of the URL-safe base64 alphabet). */
    public static final int MAX_TOPIC_LENGTH = 32;
    public static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_TOPIC_LENGTH + "}");
    /** The push services' own ceiling (autopush: 30 days); longer TTLs are shortened anyway. */
    public static final Duration MAX_TTL = Duration.ofDays(28);

    public enum Urgency {
        VERY_LOW, LOW, NORMAL, HIGH;

        /** The {@code Urgency} header's value. */
        public String header() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public PushNotification {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(topic, "topic");
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be 0.." + MAX_TTL.toDays() + " days");
        }
        if (topic.isPresent() && !TOPIC.matcher(topic.get()).matches()) {
            throw new IllegalArgumentException("topic must be 1..32 of [A-Za-z0-9_-]");
        }
    }

    /** A notification kept for a day, normal urgency, no topic. */
    public static PushNotification of(String title, String body, Optional<String> url) {
        return new PushNotification(title, body, url, Duration.ofDays(1), Urgency.NORMAL, Optional.empty());
    }
}
