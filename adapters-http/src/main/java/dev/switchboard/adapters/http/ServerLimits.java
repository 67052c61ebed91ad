package dev.switchboard.adapters.http;

import java.time.Duration;

/**
 * What one HTTP server accepts before it refuses, so that slow or many clients cannot exhaust the
 * process: beyond {@code maxConcurrentRequests} a request gets 503, a request whose headers exceed
 * {@code maxHeaderBytes} gets 431, one that stalls longer than {@code requestTimeout} on a read
 * (or whose head or body takes longer than that in total, {@link RequestHeadDeadline},
 * {@link RequestBodies}) gets 408 or its connection closed, and
 * connections beyond {@code maxConnections} are closed at once. Idle keep-alive connections are
 * closed after {@code idleTimeout}.
 *
 * @param maxConnections        {@code HTTP_MAX_CONNECTIONS}, default 10,000
 * @param maxConcurrentRequests {@code HTTP_MAX_CONCURRENT_REQUESTS}, default 1,000
 * @param idleTimeout           {@code HTTP_IDLE_TIMEOUT}, default 60 s
 * @param requestTimeout        {@code HTTP_REQUEST_TIMEOUT}, default 10 s
 * @param maxHeaderBytes        {@code HTTP_MAX_HEADER_BYTES}, default 16 KiB
 */
public record ServerLimits(int maxConnections, int maxConcurrentRequests, Duration idleTimeout,
                           Duration requestTimeout, int maxHeaderBytes) {
    public static final ServerLimits DEFAULTS = new ServerLimits(10_000, 1_000, Duration.ofSeconds(60),
            Duration.ofSeconds(10), 16 * 1024);

    public ServerLimits {
        if (maxConnections < 1 || maxConcurrentRequests < 1 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("server limits must be positive (headers at least 1 KiB)");
        }
        if (idleTimeout.toMillis() < 100 || requestTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("server timeouts must be at least 100 ms");
        }
    }

    /** From the role's configuration values (validated there). */
    public static ServerLimits of(int maxConnections, int maxConcurrentRequests, Duration idleTimeout,
                                  Duration requestTimeout, int maxHeaderBytes) {
        return new ServerLimits(maxConnections, maxConcurrentRequests, idleTimeout, requestTimeout, maxHeaderBytes);
    }

    /** How often idle connections are looked for: a tenth of the idle timeout, at most a minute. */
    Duration idlePeriod() {
        Duration tenth = idleTimeout.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
    }

    /** The request line (method, path, query) may use the header budget, but no more. */
    int maxPrologueBytes() {
        return Math.min(maxHeaderBytes, 8 * 1024);
    }
}
