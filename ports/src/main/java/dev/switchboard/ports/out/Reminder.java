package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a user of a business must do at a time, perhaps about a lead.
 *
 * @param userId who is reminded (the push goes to their browsers)
 */
public record Reminder(String id, String businessId, Optional<String> leadId, String userId, Instant dueAt,
                       String text, Instant createdAt) {
    public static final int MAX_TEXT = 1000;

    public Reminder {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
