package dev.switchboard.adapters.redis;

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
 */
public final class RedisConnections implements AutoCloseable {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Command timeout; blocking waits are kept well below it. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final RedisURI uri;
    private final StatefulRedisConnection<String, byte[]> shared;
    private volatile StatefulRedisConnection<String, byte[]> blocking;
    /** One script cache per process: every adapter shares the loaded SHAs. */
    private final RedisScripts scripts;

    private RedisConnections(RedisClient client, RedisURI uri, StatefulRedisConnection<String, byte[]> shared) {
        this.client = client;
        this.uri = uri;
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
        RedisURI uri = parse(redisUrl);
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            return new RedisConnections(client, uri, client.connect(CODEC));
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
