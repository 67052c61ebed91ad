package dev.switchboard.ports.out;

import java.time.Instant;

/** The WhatsApp sessions of every lead. */
public interface WhatsAppSessionRepository {

    /**
     * The lead's open session with its last activity moved to {@code at} (never backwards), opened
     * now when the lead has none. At most one open session per lead, also when two callers touch
     * it at once.
     */
    WhatsAppSession touch(String businessId, String leadId, Instant at);
}
