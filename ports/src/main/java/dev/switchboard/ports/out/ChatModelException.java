package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Optional;

/**
 * The AI gave no answer. Retryable: a timeout, a 408/409/429 rate limit or a 5xx (with the delay
 * the server asked for, if any). Not retryable: a bad request, a bad key, an unknown model, an
 * exhausted quota — trying again cannot help.
 */
public final class ChatModelException extends RuntimeException {
    private final boolean retryable;
    private final transient Optional<Duration> retryAfter;
    private final boolean requestRefused;

    public ChatModelException(String message, boolean retryable, Optional<Duration> retryAfter) {
        this(message, retryable, retryAfter, false);
    }

    /**
     * @param requestRefused the AI refused this request (HTTP 400, 413, 422: too long, filtered,
     *                       malformed), not every request (a bad key, an unknown model, no quota)
     */
    public ChatModelException(String message, boolean retryable, Optional<Duration> retryAfter, boolean requestRefused) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.requestRefused = requestRefused;
    }

    /**
     * True when the refusal is about this request only, so another request may succeed; false for
     * what refuses every request until an operator acts (a bad key, an unknown model, an exhausted
     * quota) and for a retryable failure.
     */
    public boolean requestRefused() {
        return requestRefused;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
