package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A Gmail call that did not succeed, with what the caller should do about it. */
public final class GmailException extends RuntimeException {

    public enum Reason {
        /** The start history id is too old (404 on history.list): do a full sync. */
        HISTORY_EXPIRED,
        /** Rate limited, or Google's servers failing, after the client's own backoff: retry later. */
        RETRY_LATER,
        /** The refresh token was revoked or expired ({@code invalid_grant}): stop; the business reconnects. */
        RECONNECT_NEEDED,
        /** Our request or our configuration is wrong (400, {@code invalid_client}, 403 policy): retrying cannot help. */
        REJECTED
    }

    private final Reason reason;
    private final int status;
    private final transient Optional<Duration> retryAfter;

    public GmailException(Reason reason, String message, int status, Optional<Duration> retryAfter) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
