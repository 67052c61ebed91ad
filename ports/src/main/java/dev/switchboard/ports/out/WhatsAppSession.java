package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stretch of conversation with a lead on WhatsApp: open from its first message until it has
 * been idle long enough to be summarized.
 */
public record WhatsAppSession(String id, String businessId, String leadId, Instant openedAt,
                              Instant lastActivityAt, Optional<Instant> summarizedAt) {
    public WhatsAppSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
        Objects.requireNonNull(summarizedAt, "summarizedAt");
    }
}
