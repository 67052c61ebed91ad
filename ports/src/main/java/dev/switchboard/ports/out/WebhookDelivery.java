package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One event's delivery to one endpoint, for the business to see.
 *
 * @param status {@code pending} (being tried), {@code delivered} or {@code failed} (given up;
 *               its job is in the failed registry, requeueable)
 */
public record WebhookDelivery(String businessId, String endpointId, String eventId, String eventType, String status,
                              int attempts, Optional<String> lastError, Instant createdAt,
                              Optional<Instant> lastAttemptAt, Optional<Instant> deliveredAt) {
    public WebhookDelivery {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
        Objects.requireNonNull(deliveredAt, "deliveredAt");
    }
}
