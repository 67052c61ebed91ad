package dev.switchboard.ports.out;

/**
 * A business already has as many of something as it may have (webhook endpoints, Gmail
 * mailboxes). The store checks the count and adds the row under a lock of the business, so two
 * requests at the same moment cannot both take the last place. A request answers 409 with the
 * message; nothing was written.
 */
public class LimitReachedException extends RuntimeException {
    private final int limit;

    /** @param message what the business may have, safe to show the client */
    public LimitReachedException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    /** How many the business may have. */
    public int limit() {
        return limit;
    }
}
