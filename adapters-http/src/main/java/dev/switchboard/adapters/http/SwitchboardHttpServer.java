package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.InvalidCommandException;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.LimitReachedException;
import dev.switchboard.ports.out.StoreRefusedValueException;
import dev.switchboard.ports.out.StoreUnavailableException;
import dev.switchboard.ports.out.TraceContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Helidon web server of a role, with the limits and the error mapping every route shares:
 * <ul>
 *   <li>refusals the code expects are 4xx {@code {"error": ...}}: {@link HttpProblem}, and a
 *       command's own validation ({@link InvalidCommandException}) as 400;</li>
 *   <li>a job store that cannot serve now (unreachable, timed out, out of memory, busy, loading)
 *       is 503 with {@code Retry-After}: the sender retries, dedupe absorbs the repeat;</li>
 *   <li>anything else is a bug: 500 with the trace id, logged with its stack and the trace id.</li>
 * </ul>
 * Repeated 503s are logged once a minute with a count, so an outage does not flood the log.
 */
public final class SwitchboardHttpServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SwitchboardHttpServer.class.getName());
    /** Seconds a sender should wait before retrying while Redis cannot serve. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final WebServer server;

    private SwitchboardHttpServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code port} (0 picks a free one) on all interfaces, with default limits. */
    public static SwitchboardHttpServer start(int port, List<HttpService> services) {
        return start(port, services, Optional.empty());
    }

    /** As {@link #start(int, List, Optional, ServerLimits)} with {@link ServerLimits#DEFAULTS}. */
    public static SwitchboardHttpServer start(int port, List<HttpService> services, Optional<SwitchboardMetrics> metrics) {
        return start(port, services, metrics, ServerLimits.DEFAULTS);
    }

    /**
     * Starts listening on {@code port}, tagging every request's log lines with its trace id and,
     * when {@code metrics} is given, timing every request.
     *
     * @throws PortInUseException when another process listens on {@code port}
     */
    public static SwitchboardHttpServer start(int port, List<HttpService> services, Optional<SwitchboardMetrics> metrics,
                                              ServerLimits limits) {
        return start(port, services, metrics, limits, List.of());
    }

    /**
     * As {@link #start(int, List, Optional, ServerLimits)}, plus other routings on the same port,
     * e.g. the calls role's WebSocket routing ({@code WsRouting}).
     */
    public static SwitchboardHttpServer start(int port, List<HttpService> services, Optional<SwitchboardMetrics> metrics,
                                              ServerLimits limits,
                                              List<io.helidon.common.Builder<?, ? extends io.helidon.webserver.Routing>> otherRoutings) {
        RefusalLog refusals = new RefusalLog(LOG, Duration.ofMinutes(1));
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            long started = System.nanoTime();
            RequestBodies.setDeadline(req, limits.requestTimeout().toNanos());
            TraceContext.with(TraceIds.assign(req), null, () -> {
                chain.proceed();
                return null;
            });
            metrics.ifPresent(m -> m.observe(req.prologue().method().text(), req.path().path(), res.status().code(),
                    (System.nanoTime() - started) / 1e9));
        });
        services.forEach(routing::register);
        routing.error(HttpProblem.class, (req, res, problem) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            problem.retryAfterSeconds().ifPresent(s -> res.header(HeaderNames.RETRY_AFTER, Long.toString(s)));
            JsonResponses.error(res, problem.status(), problem.getMessage());
        });
        routing.error(InvalidCommandException.class, (req, res, e) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            JsonResponses.error(res, Status.BAD_REQUEST_400, e.getMessage());
        });
        routing.error(StoreRefusedValueException.class, (req, res, e) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            refusals.refused(Level.WARNING, "value refused by the CRM store", () -> "answering 400: " + e.getMessage()
                    + " on " + RefusalLog.truncated(req.path().path()) + " trace_id=" + TraceIds.of(req));
            JsonResponses.error(res, Status.BAD_REQUEST_400, e.reason());
        });
        routing.error(LimitReachedException.class, (req, res, e) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            JsonResponses.error(res, Status.CONFLICT_409, e.getMessage());
        });
        routing.error(JobStoreUnavailableException.class, (req, res, e) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            refusals.refused(Level.WARNING, "job store unavailable", () -> "answering 503: " + e.getMessage()
                    + " on " + RefusalLog.truncated(req.path().path()) + " trace_id=" + TraceIds.of(req));
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonResponses.error(res, Status.SERVICE_UNAVAILABLE_503, "job store unavailable, retry later");
        });
        routing.error(StoreUnavailableException.class, (req, res, e) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            refusals.refused(Level.WARNING, "CRM store unavailable", () -> "answering 503: " + e.getMessage()
                    + " on " + RefusalLog.truncated(req.path().path()) + " trace_id=" + TraceIds.of(req));
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonResponses.error(res, Status.SERVICE_UNAVAILABLE_503, "CRM store unavailable, retry later");
        });
        routing.error(RequestException.class, (req, res, e) ->
                JsonResponses.error(res, e.status(), "bad request"));
        // Helidon's own refusals (no route for the path or method, ...): keep their 4xx status.
        routing.error(HttpException.class, (req, res, e) -> {
            if (e.status().code() >= 500) {
                internalError(req, res, e);
            } else {
                JsonResponses.error(res, e.status(), e.status().code() == 404 ? "no such route" : e.status().reasonPhrase());
            }
        });
        routing.error(Exception.class, SwitchboardHttpServer::internalError);
        Http1Config http1 = Http1Config.builder().maxHeadersSize(limits.maxHeaderBytes())
                .maxPrologueLength(limits.maxPrologueBytes())
                .addReceiveListener(RequestHeadDeadline.ON_RECEIVE)
                .addSendListener(RequestHeadDeadline.ON_SEND)
                .build();
        WebServerConfig.Builder builder = WebServer.builder()
                .port(port)
                .host("0.0.0.0")
                .routing(routing)
                .addRoutings(otherRoutings)
                .maxTcpConnections(limits.maxConnections())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(limits.idlePeriod())
                // Every read of a request waits at most this long; RequestBodies bounds the whole body.
                // No Nagle (Helidon's default keeps it): each write is a whole response or message, and
                // a media stream's 20 ms frame must not wait for the peer's ACK of the one before.
                .connectionOptions(socket -> socket.readTimeout(limits.requestTimeout()).tcpNoDelay(true))
                .addProtocol(http1);
        // Helidon's own HTTP/1 selector (with the WebSocket upgrade the protocols bring), wrapped so
        // that a request's head has a total deadline too; explicit selectors are asked first.
        ServerConnectionSelector standard = new Http1ConnectionProvider().create("@default", http1,
                ProtocolConfigs.create(builder.buildPrototype().protocols()));
        WebServer server = builder
                .addConnectionSelector(new RequestHeadDeadline(standard, limits.requestTimeout()))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            if (causedByBind(e)) {
                throw new PortInUseException(port);
            }
            throw e;
        }
        if (!server.isRunning()) {
            // Helidon logs a failed bind and returns a server that is not running.
            throw new PortInUseException(port);
        }
        return new SwitchboardHttpServer(server);
    }

    /** A bug: the client gets the trace id to quote, the log gets the stack with the same id. */
    private static void internalError(ServerRequest req, io.helidon.webserver.http.ServerResponse res, Exception e) {
        String traceId = TraceIds.of(req);
        LOG.log(Level.SEVERE, "unhandled error on " + req.prologue().method() + " "
                + RefusalLog.truncated(req.path().path()) + " trace_id=" + traceId, e);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "internal error");
        body.put("trace_id", traceId);
        JsonResponses.send(res, Status.INTERNAL_SERVER_ERROR_500, body);
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || (t instanceof UncheckedIOException u && u.getCause() instanceof BindException)) {
                return true;
            }
        }
        return false;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
