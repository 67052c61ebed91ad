package dev.switchboard.ports.in;

import java.util.Objects;
import java.util.Optional;

/**
 * Send a push notification to a user's devices. The notification id makes retries of the same
 * request one job.
 */
public record SendPushCommand(String businessId, String traceId, String notificationId, String userId,
                              String title, String body, Optional<String> url) {
    public SendPushCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(url, "url");
        require(notificationId, "notification_id", 128);
        require(userId, "user_id", 128);
        require(title, "title", 200);
        require(body, "body", 4000);
    }

    static void require(String value, String name, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(name + " must be 1.." + max + " characters");
        }
    }
}
