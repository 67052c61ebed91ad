package dev.switchboard.adapters.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.UUID;
import java.util.regex.Pattern;

/** The request's trace id: the caller's {@code X-Request-Id} when sane, else a fresh one. */
final class TraceIds {
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private TraceIds() {
    }

    /** The same id for the whole request: the filter tags the thread with it first. */
    static String of(ServerRequest request) {
        return dev.switchboard.ports.out.TraceContext.current().map(dev.switchboard.ports.out.TraceContext.Tags::traceId)
                .orElseGet(() -> fromHeader(request));
    }

    static String of(io.helidon.webserver.http.RoutingRequest request) {
        return fromHeader(request);
    }

    private static String fromHeader(ServerRequest request) {
        return request.headers().first(HeaderNames.create("X-Request-Id"))
                .filter(id -> SANE.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
    }
}
