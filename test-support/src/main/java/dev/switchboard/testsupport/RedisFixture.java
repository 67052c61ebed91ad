package dev.switchboard.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives a test class a real Redis, emptied before each test:
 * <ol>
 *   <li>{@code REDIS_URL} when set (it must be a throwaway server: it is flushed);</li>
 *   <li>else a Testcontainers {@code redis:7-alpine} when a Docker engine answers;</li>
 *   <li>else a child {@code redis-server} process on a free port ({@link RedisServerProcess}).</li>
 * </ol>
 * Never a mock. Use as {@code @RegisterExtension static final RedisFixture redis = new RedisFixture();}.
 */
public final class RedisFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private String url;
    private RedisServerProcess process;
    private GenericContainer<?> container;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisConnection<String, byte[]> binary;

    @Override
    public void beforeAll(ExtensionContext context) {
        String configured = System.getenv("REDIS_URL");
        if (configured != null && !configured.isBlank()) {
            url = configured;
        } else if (dockerAnswers()) {
            container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
            container.start();
            url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
        } else {
            process = RedisServerProcess.startOnFreePort();
            url = process.url();
        }
        client = RedisClient.create(url);
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        commands().flushall();
    }

    /** The Redis URL tests and child processes connect to. */
    public String url() {
        return url;
    }

    /** A plain Lettuce connection for assertions ({@code LLEN rq:queue:default} and the like). */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            connection = client.connect();
        }
        return connection.sync();
    }

    /** A connection that reads values as bytes, for python-rq's zlib fields. */
    public synchronized RedisCommands<String, byte[]> binaryCommands() {
        if (binary == null || !binary.isOpen()) {
            binary = client.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
                    io.lettuce.core.codec.ByteArrayCodec.INSTANCE));
        }
        return binary.sync();
    }

    /** The child process, when this fixture started one (outage tests kill and restart it). */
    public RedisServerProcess process() {
        if (process == null) {
            throw new IllegalStateException("Redis is not a child process here (REDIS_URL or Docker)");
        }
        return process;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (connection != null) {
            connection.close();
        }
        if (binary != null) {
            binary.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (container != null) {
            container.stop();
        }
        if (process != null) {
            process.close();
        }
    }
}
