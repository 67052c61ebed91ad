package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A reminder to create; the store gives it its id and creation time. */
public record NewReminder(String businessId, Optional<String> leadId, String userId, Instant dueAt, String text) {
    public NewReminder {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(text, "text");
        if (userId.isBlank() || userId.length() > 128) {
            throw new IllegalArgumentException("user_id must be 1..128 characters");
        }
        if (text.isBlank() || text.length() > Reminder.MAX_TEXT) {
            throw new IllegalArgumentException("text must be 1.." + Reminder.MAX_TEXT + " characters");
        }
    }
}
