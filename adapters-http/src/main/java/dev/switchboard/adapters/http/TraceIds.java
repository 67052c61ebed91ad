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

    /** Where the filter keeps the request's id, so that error handlers see the same one. */
    private static final String CONTEXT_KEY = "switchboard.trace_id";

    /**
     * The same id for the whole request, error handlers included: the filter assigns it first
     * ({@link #assign}), tags the thread with it and keeps it in the request's context.
     */
    static String of(ServerRequest request) {
        return dev.switchboard.ports.out.TraceContext.current().map(dev.switchboard.ports.out.TraceContext.Tags::traceId)
                .or(() -> request.context().get(CONTEXT_KEY, String.class))
                .orElseGet(() -> fromHeader(request));
    }

    /** Gives the request its trace id (the caller's sane X-Request-Id, else a new one). */
    static String assign(io.helidon.webserver.http.RoutingRequest request) {
        String id = fromHeader(request);
        request.context().register(CONTEXT_KEY, id);
        return id;
    }

    private static String fromHeader(ServerRequest request) {
        return request.headers().first(HeaderNames.create("X-Request-Id"))
                .filter(id -> SANE.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
    }
}
