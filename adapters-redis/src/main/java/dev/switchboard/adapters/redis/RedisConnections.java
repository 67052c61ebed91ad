package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.Objects;

/**
 * The process's Redis connections: one shared, multiplexed connection for ordinary commands and,
 * when a worker asks for it, one dedicated connection for blocking commands (Lettuce's guidance:
 * a blocking command on the shared connection would stall every other caller).
 *
 * <p>While Redis is unreachable commands fail at once (no buffering): the api answers 503 and the
 * sender retries, rather than requests piling up behind a dead connection.
 *
 * <p>With a {@code redis-sentinel://} URL every (re)connect asks the sentinels for the current
 * primary, so after a failover the connections find the new primary by themselves (Sentinel
 * disconnects the clients of a demoted primary). With a {@link ReplicationWait}, writes that must
 * survive a failover (enqueued jobs) are acknowledged only once replicas have them (docs/operations.md).
 */
public final class RedisConnections implements AutoCloseable {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Command timeout; blocking waits are kept well below it. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How many replicas must have an enqueued job before it counts as accepted ({@code WAIT
     * replicas timeout} after the write), and how long to wait for them.
     *
     * @param replicas {@code REDIS_WAIT_REPLICAS}; 0: acknowledged by the primary alone (no WAIT)
     * @param timeout  {@code REDIS_WAIT_TIMEOUT}: past it, the write is reported as not accepted
     */
    public record ReplicationWait(int replicas, Duration timeout) {
        public static final ReplicationWait NONE = new ReplicationWait(0, Duration.ofSeconds(1));

        public ReplicationWait {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be >= 0");
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(COMMAND_TIMEOUT) >= 0) {
                throw new IllegalArgumentException("the replication wait must be positive and below "
                        + COMMAND_TIMEOUT.toSeconds() + "s (the command timeout)");
            }
        }
    }

    private final RedisClient client;
    private final RedisURI uri;
    private final ReplicationWait replicationWait;
    private final StatefulRedisConnection<String, byte[]> shared;
    private volatile StatefulRedisConnection<String, byte[]> blocking;
    /** One script cache per process: every adapter shares the loaded SHAs. */
    private final RedisScripts scripts;

    private RedisConnections(RedisClient client, RedisURI uri, ReplicationWait replicationWait,
                             StatefulRedisConnection<String, byte[]> shared) {
        this.client = client;
        this.uri = uri;
        this.replicationWait = replicationWait;
        this.shared = shared;
        this.scripts = new RedisScripts(shared.sync());
    }

    /**
     * Connects to {@code redisUrl} ({@code redis://[:password@]host:port[/db]},
     * {@code rediss://...}, or {@code redis-sentinel://...}).
     *
     * @throws IllegalArgumentException when the URL is malformed or Redis cannot be reached;
     *     the message names host and port only, never the password
     */
    public static RedisConnections connect(String redisUrl) {
        return connect(redisUrl, ReplicationWait.NONE);
    }

    /** As {@link #connect(String)}; enqueued jobs are accepted once {@code replicationWait} is met. */
    public static RedisConnections connect(String redisUrl, ReplicationWait replicationWait) {
        Objects.requireNonNull(replicationWait, "replicationWait");
        RedisURI uri = parse(redisUrl);
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            return new RedisConnections(client, uri, replicationWait, client.connect(CODEC));
        } catch (RedisConnectionException e) {
            client.shutdown();
            throw new IllegalArgumentException("cannot reach Redis at " + describe(uri) + ": "
                    + rootMessage(e));
        }
    }

    /**
     * Checks that {@code redisUrl} is a Redis URL this adapter accepts, without connecting: a tool
     * can then tell a mistyped URL (configuration) from an unreachable server (outage).
     *
     * @throws IllegalArgumentException when it is not; the message never repeats the URL (it may
     *     hold a password)
     */
    public static void validate(String redisUrl) {
        parse(redisUrl);
    }

    private static RedisURI parse(String redisUrl) {
        try {
            return RedisURI.create(Objects.requireNonNull(redisUrl, "redisUrl"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("REDIS_URL is not a valid Redis URL");
        }
    }

    /** host:port of the server, safe to log (no credentials). */
    public String describe() {
        return describe(uri);
    }

    static String describe(RedisURI uri) {
        if (uri.getHost() == null && !uri.getSentinels().isEmpty()) {
            return "sentinel master '" + uri.getSentinelMasterId() + "'";
        }
        return uri.getHost() + ":" + uri.getPort();
    }

    /**
     * Waits until the configured number of replicas have every write this process made on the
     * shared connection so far (Redis's {@code WAIT}, which must follow the write on the same
     * connection). A primary that was just replaced by its replica (a failover under way) has
     * none, so what it accepts there is refused here instead of being lost with it.
     *
     * @throws JobStoreUnavailableException when fewer replicas acknowledged in time: the write may
     *     or may not survive, so the caller reports "not accepted" and the sender retries (deduplicated
     *     jobs fold the repeat)
     */
    void awaitReplicas(String operation) {
        if (replicationWait.replicas() == 0) {
            return;
        }
        Long acknowledged = RedisFailures.guard(operation, () -> shared.sync()
                .waitForReplication(replicationWait.replicas(), replicationWait.timeout().toMillis()));
        long got = acknowledged == null ? 0 : acknowledged;
        if (got < replicationWait.replicas()) {
            throw new JobStoreUnavailableException("Redis replicated " + operation + " to " + got + " of "
                    + replicationWait.replicas() + " replicas within " + replicationWait.timeout().toMillis()
                    + " ms (a failover under way, or a replica down)", null);
        }
    }

    RedisScripts scripts() {
        return scripts;
    }

    RedisCommands<String, byte[]> commands() {
        return shared.sync();
    }

    /** The shared connection's async API, for a pipelined read (several commands, one round trip). */
    io.lettuce.core.api.async.RedisAsyncCommands<String, byte[]> asyncCommands() {
        return shared.async();
    }

    synchronized RedisCommands<String, byte[]> blockingCommands() {
        if (blocking == null) {
            blocking = client.connect(CODEC);
        }
        return blocking.sync();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        shared.close();
        if (blocking != null) {
            blocking.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
