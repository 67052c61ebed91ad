package dev.switchboard.ports.out;

import java.time.Instant;

/** The WhatsApp sessions of every lead. */
public interface WhatsAppSessionRepository {

    /**
     * The lead's open session with its last activity moved to {@code at} (never backwards), opened
     * at {@code at} when the lead has none (at the store's now if {@code at} lies in the future). At
     * most one open session per lead, also when two callers touch it at once.
     *
     * @throws IllegalArgumentException  when the lead does not exist in this business
     * @throws StoreUnavailableException when the store cannot be reached
     */
    WhatsAppSession touch(String businessId, String leadId, Instant at);
}
