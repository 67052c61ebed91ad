package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Optional;

/**
 * A message the gateway did not send, or whose outcome is unknown. Retryable: 5xx, 429, a send
 * still in flight (409 pending), a timeout or a refused connection — retry with the same client
 * message id. Not retryable: any other 4xx (bad request, bad secret, unknown tenant, not on
 * WhatsApp, session logged out), or no gateway configured.
 */
public final class WhatsAppSendException extends RuntimeException {
    private final boolean retryable;
    private final int status;
    private final transient Optional<Duration> retryAfter;

    /**
     * @param status the gateway's HTTP status, or 0 when there was no answer
     */
    public WhatsAppSendException(String message, int status, boolean retryable, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
