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
        if (dev.switchboard.ports.out.BusinessScope.isReserved(businessId)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        Objects.requireNonNull(url, "url");
        require(notificationId, "notification_id", 128);
        require(userId, "user_id", 128);
        Identifiers.requireWellFormed("notification_id", notificationId);
        Identifiers.requireWellFormed("user_id", userId);
        require(title, "title", 200);
        require(body, "body", 4000);
        url.ifPresent(u -> {
            // Opened by the user's device: https only, and bounded like every stored field.
            if (u.length() > MAX_URL || !u.regionMatches(true, 0, "https://", 0, 8) || u.length() == 8
                    || u.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new InvalidCommandException("url must be an https:// URL of at most " + MAX_URL + " characters");
            }
        });
    }

    public static final int MAX_URL = 2048;

    static void require(String value, String name, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new InvalidCommandException(name + " must be 1.." + max + " characters");
        }
    }
}
