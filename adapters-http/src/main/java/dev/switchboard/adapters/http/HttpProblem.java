package dev.switchboard.adapters.http;

import io.helidon.http.Status;

import java.util.Optional;

/**
 * A request the server refuses, with the status and a reason safe to show the client. Answered
 * as {@code {"error": reason}}; never logged with secrets.
 */
final class HttpProblem extends RuntimeException {
    private final Status status;
    private final Optional<Long> retryAfterSeconds;

    HttpProblem(Status status, String reason) {
        this(status, reason, Optional.empty());
    }

    /** A refusal the client may retry after {@code retryAfterSeconds} (429, 503). */
    HttpProblem(Status status, String reason, Optional<Long> retryAfterSeconds) {
        super(reason, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Status status() {
        return status;
    }
}
