package dev.switchboard.adapters.http;

import io.helidon.http.Status;

/**
 * A request the server refuses, with the status and a reason safe to show the client. Answered
 * as {@code {"error": reason}}; never logged with secrets.
 */
final class HttpProblem extends RuntimeException {
    private final Status status;

    HttpProblem(Status status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    Status status() {
        return status;
    }
}
