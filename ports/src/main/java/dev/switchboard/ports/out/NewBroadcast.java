package dev.switchboard.ports.out;

import java.util.Objects;

/**
 * A broadcast to create.
 *
 * @param maxRecipients the most recipients the run may have (a lead filter matching more is refused)
 */
public record NewBroadcast(String businessId, String runId, String message, BroadcastAudience audience,
                           int maxRecipients) {
    public NewBroadcast {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(audience, "audience");
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("maxRecipients must be positive");
        }
    }
}
