package dev.switchboard.adapters.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a request body with a size limit enforced while reading (a lying or absent
 * Content-Length cannot get past it) and a deadline for the whole body (a client trickling one
 * byte at a time gets 408, not a thread for ever). Shared by the JSON and the form readers.
 */
final class RequestBodies {
    private static final String DEADLINE_KEY = "switchboard.body_deadline_nanos";
    private static final int CHUNK = 8192;

    private RequestBodies() {
    }

    /** Called by the server's filter: the body must be read within {@code timeoutNanos} from now. */
    static void setDeadline(ServerRequest request, long timeoutNanos) {
        request.context().register(DEADLINE_KEY, System.nanoTime() + timeoutNanos);
    }

    /** The body, at most {@code maxBytes}; 413 with {@code tooLargeReason} beyond, 408 past the deadline. */
    static byte[] read(ServerRequest request, int maxBytes, String tooLargeReason) {
        if (request.headers().contentLength().orElse(0) > maxBytes) {
            throw new HttpProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, tooLargeReason);
        }
        Optional<Long> deadline = request.context().get(DEADLINE_KEY, Long.class);
        try (InputStream in = request.content().inputStream()) {
            byte[] body = new byte[Math.min(maxBytes + 1, CHUNK)];
            int length = 0;
            while (true) {
                if (deadline.isPresent() && System.nanoTime() - deadline.get() > 0) {
                    throw new HttpProblem(Status.REQUEST_TIMEOUT_408, "the request body took too long to arrive");
                }
                if (length == body.length) {
                    if (length > maxBytes) {
                        throw new HttpProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, tooLargeReason);
                    }
                    body = Arrays.copyOf(body, Math.min(maxBytes + 1, body.length * 2));
                }
                int n = in.read(body, length, body.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            if (length > maxBytes) {
                throw new HttpProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, tooLargeReason);
            }
            return Arrays.copyOf(body, length);
        } catch (IOException | UncheckedIOException e) {
            // Includes a read that stalled beyond the socket's read timeout.
            throw new HttpProblem(Status.BAD_REQUEST_400, "could not read the request body");
        }
    }
}
