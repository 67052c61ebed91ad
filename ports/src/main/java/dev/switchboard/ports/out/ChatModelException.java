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

    public ChatModelException(String message, boolean retryable, Optional<Duration> retryAfter) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
