package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;

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

    /**
     * Open sessions of every business whose last activity is before {@code idleSince}, longest
     * idle first, at most {@code limit}.
     */
    List<WhatsAppSession> idle(Instant idleSince, int limit);

    /**
     * Closes the session with its summary and stores the summary on its lead, in one transaction —
     * only if the session is still open and its last activity is still {@code session.lastActivityAt()}
     * (a message that arrived meanwhile keeps it open: it is summarized later, whole).
     *
     * @return true if this call closed it; false if it was closed already or became active again
     */
    boolean closeWithSummary(WhatsAppSession session, String summary, Instant at);
}
