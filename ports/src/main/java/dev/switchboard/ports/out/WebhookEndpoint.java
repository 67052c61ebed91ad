package dev.switchboard.ports.out;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Where a business wants to hear of some of its events.
 *
 * @param secret the {@code whsec_} signing secret (never shown by {@link #toString()})
 */
public record WebhookEndpoint(String id, String businessId, URI url, Set<String> events, String secret,
                              boolean active, Instant createdAt) {
    /** The event types a business can subscribe to. */
    public static final Set<String> EVENT_TYPES = Set.of("lead.created", "message.received", "message.sent",
            "call.completed", "broadcast.finished", "reminder.sent");

    public WebhookEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(url, "url");
        events = Set.copyOf(events);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String toString() {
        return "WebhookEndpoint[id=" + id + ", businessId=" + businessId + ", url=" + url + ", events=" + events
                + ", secret=<set>, active=" + active + "]";
    }
}
