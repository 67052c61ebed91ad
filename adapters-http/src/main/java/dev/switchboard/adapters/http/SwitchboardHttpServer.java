package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.TraceContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;

import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Helidon web server of a role, with the error mapping every route shares: refusals are 4xx
 * {@code {"error": ...}}, an unreachable Redis is 503 with {@code Retry-After} (the sender retries,
 * dedupe absorbs the repeat), and nothing a client sends can produce a 500.
 */
public final class SwitchboardHttpServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SwitchboardHttpServer.class.getName());
    /** Seconds a sender should wait before retrying while Redis is unreachable. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final WebServer server;

    private SwitchboardHttpServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code port} (0 picks a free one) on all interfaces. */
    public static SwitchboardHttpServer start(int port, List<HttpService> services) {
        return start(port, services, Optional.empty());
    }

    /**
     * Starts listening on {@code port}, tagging every request's log lines with its trace id and,
     * when {@code metrics} is given, timing every request.
     */
    public static SwitchboardHttpServer start(int port, List<HttpService> services, Optional<SwitchboardMetrics> metrics) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            long started = System.nanoTime();
            TraceContext.with(TraceIds.of(req), null, () -> {
                chain.proceed();
                return null;
            });
            metrics.ifPresent(m -> m.observe(req.prologue().method().text(), req.path().path(), res.status().code(),
                    (System.nanoTime() - started) / 1e9));
        });
        services.forEach(routing::register);
        routing.error(HttpProblem.class, (req, res, problem) -> {
            metrics.ifPresent(m -> m.requestRefused(req.path().path()));
            JsonResponses.error(res, problem.status(), problem.getMessage());
        });
        routing.error(JobStoreUnavailableException.class, (req, res, e) -> {
            LOG.warning("answering 503: " + e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonResponses.error(res, Status.SERVICE_UNAVAILABLE_503, "job store unavailable, retry later");
        });
        routing.error(RequestException.class, (req, res, e) ->
                JsonResponses.error(res, e.status(), "bad request"));
        // Helidon's own refusals (no route for the path or method, ...): keep their 4xx status.
        routing.error(HttpException.class, (req, res, e) -> {
            if (e.status().code() >= 500) {
                LOG.log(Level.SEVERE, "server error on " + req.prologue().method() + " " + req.path().path(), e);
                JsonResponses.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal error");
            } else {
                JsonResponses.error(res, e.status(), e.status().code() == 404 ? "no such route" : e.status().reasonPhrase());
            }
        });
        routing.error(IllegalArgumentException.class, (req, res, e) ->
                JsonResponses.error(res, Status.BAD_REQUEST_400, e.getMessage()));
        routing.error(Exception.class, (req, res, e) -> {
            // A bug. Logged with its stack; the client sees no internals.
            LOG.log(Level.SEVERE, "unhandled error on " + req.prologue().method() + " "
                    + req.path().path(), e);
            JsonResponses.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal error");
        });
        WebServer server = WebServer.builder()
                .port(port)
                .host("0.0.0.0")
                .routing(routing)
                .build()
                .start();
        return new SwitchboardHttpServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
