package dev.switchboard.adapters.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body with a size limit enforced while reading: a lying or absent
 * Content-Length cannot get past it. Shared by the JSON and the form readers.
 */
final class RequestBodies {
    private RequestBodies() {
    }

    /** The body, at most {@code maxBytes}; 413 with {@code tooLargeReason} beyond. */
    static byte[] read(ServerRequest request, int maxBytes, String tooLargeReason) {
        if (request.headers().contentLength().orElse(0) > maxBytes) {
            throw new HttpProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, tooLargeReason);
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw new HttpProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, tooLargeReason);
            }
            return body;
        } catch (IOException e) {
            throw new HttpProblem(Status.BAD_REQUEST_400, "could not read the request body");
        }
    }
}
