package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.StoreUnavailableException;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Start-up of the store: migrations, the module path, outages, and the password kept out of sight. */
class PostgresStoreTest {

    private static final List<String> TABLES = List.of("businesses", "leads", "messages", "whatsapp_sessions",
            "call_logs", "call_turns", "recordings", "reminders", "reminder_push_log", "push_subscriptions",
            "broadcast_runs", "broadcast_recipients", "webhook_endpoints", "webhook_deliveries", "gmail_connections",
            "outbound_calls");

    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    @Test
    void runsOnTheModulePathAndFindsItsMigrationsThere() {
        // Surefire runs this module's tests patched into the named module switchboard.adapters.postgres:
        // Flyway's own class path scanner could not list encapsulated resources here.
        assertTrue(PostgresStore.class.getModule().isNamed(), "tests must run on the module path");
        assertEquals("switchboard.adapters.postgres", PostgresStore.class.getModule().getName());
        List<String> files = MigrationResources.of(PostgresStore.class, PostgresStore.MIGRATIONS).fileNames();
        assertEquals(List.of("V1__crm_core.sql", "V2__calls.sql", "V3__reminders_and_push.sql", "V4__broadcasts.sql",
                "V5__outbound_webhooks.sql", "V6__call_log_streams.sql", "V8__broadcast_progress.sql", "V9__gmail_sync.sql",
                "V10__outbound_calls.sql", "V11__recording_jobs.sql", "V12__recording_checks.sql",
                "V13__push_subscription_per_business.sql", "V14__gmail_not_before.sql"), files);
    }

    @Test
    void migrationsCreateEveryTableOnAnEmptyDatabaseAndAreANoOpOnRestart() throws SQLException {
        String url = postgres.databaseUrl(postgres.freshDatabase());
        int shipped = MigrationResources.of(PostgresStore.class, PostgresStore.MIGRATIONS).fileNames().size();
        try (PostgresStore store = PostgresStore.start(DatabaseUrl.parse(url), 2)) {
            assertEquals(shipped, store.migrationsApplied());
        }
        try (PostgresStore again = PostgresStore.start(DatabaseUrl.parse(url), 2)) {
            assertEquals(0, again.migrationsApplied());
            again.leads().upsert(new LeadContact("biz", Optional.of("+5511999990000"), Optional.empty(),
                    Optional.empty(), Optional.empty(), "api"));
        }
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (Connection connection = connectTo(database)) {
            assertTrue(tables(connection).containsAll(TABLES), () -> "tables: " + tablesQuietly(connection));
            assertEquals(shipped, count(connection, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        }
    }

    @Test
    void severalProcessesStartingAtOnceApplyEachMigrationOnce() throws Exception {
        String url = postgres.databaseUrl(postgres.freshDatabase());
        int shipped = MigrationResources.of(PostgresStore.class, PostgresStore.MIGRATIONS).fileNames().size();
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> applied = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                applied.add(starters.submit((Callable<Integer>) () -> {
                    try (PostgresStore store = PostgresStore.start(DatabaseUrl.parse(url), 1)) {
                        return store.migrationsApplied();
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> each : applied) {
                total += each.get();
            }
            assertEquals(shipped, total, "each migration applied by exactly one starter");
        } finally {
            starters.shutdownNow();
        }
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (Connection connection = connectTo(database)) {
            assertEquals(shipped, count(connection, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        }
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsAStoreUnavailableThatNamesItWithoutThePassword() {
        String secret = "n0t-in-any-message";
        DatabaseUrl nowhere = DatabaseUrl.parse("postgresql://crm:" + secret + "@127.0.0.1:" + FreePorts.next() + "/crm");
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> PostgresStore.start(nowhere, 2));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertNoSecretIn(e, secret);
    }

    @Test
    void aPasswordIsSentToTheServerAndAWrongOneFailsTypedWithoutEchoingIt() throws SQLException {
        String right = "R1ght:P@ss/w%rd";
        String wrong = "Wr0ng-Pa55word";
        try (PostgresFixture.PrivateServer server = PostgresFixture.startPrivateServer()) {
            DatabaseUrl admin = DatabaseUrl.parse(server.databaseUrl());
            try (Connection connection = java.sql.DriverManager.getConnection(admin.jdbcUrl(), "postgres", "");
                 Statement sql = connection.createStatement()) {
                sql.execute("CREATE ROLE crm LOGIN PASSWORD '" + right + "'");
                sql.execute("CREATE DATABASE crm OWNER crm");
                // Passwords required over TCP for everyone but the superuser (this server is ours alone).
                sql.execute("COPY (VALUES ('local all all trust'), ('host all postgres 127.0.0.1/32 trust'),"
                        + " ('host all postgres ::1/128 trust'), ('host all all 127.0.0.1/32 scram-sha-256'),"
                        + " ('host all all ::1/128 scram-sha-256')) TO '" + dataDirectory(sql) + "/pg_hba.conf'");
                sql.execute("SELECT pg_reload_conf()");
            }
            List<LogRecord> logged = captureLogs();
            DatabaseUrl withWrong = new DatabaseUrl(admin.host(), admin.port(), "crm", Optional.of("crm"),
                    Optional.of(wrong), admin.parameters());
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> PostgresStore.start(withWrong, 1));
            assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
            assertNoSecretIn(e, wrong);

            String encoded = "postgresql://crm:" + right + "@" + admin.host() + ":" + admin.port() + "/crm";
            try (PostgresStore store = PostgresStore.start(DatabaseUrl.parse(encoded), 1)) {
                assertEquals("biz", store.businesses().findOrCreate("biz").id());
                assertFalse(store.toString().contains(right), store.toString());
            }
            logged.forEach(record -> {
                assertFalse(String.valueOf(record.getMessage()).contains(right));
                assertFalse(String.valueOf(record.getMessage()).contains(wrong));
            });
        }
    }

    private static String dataDirectory(Statement sql) throws SQLException {
        try (ResultSet row = sql.executeQuery("SHOW data_directory")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void aStoreWhoseDatabaseGoesDownAnswersStoreUnavailable() {
        try (PostgresFixture.PrivateServer server = PostgresFixture.startPrivateServer()) {
            PostgresStore store = PostgresStore.start(DatabaseUrl.parse(server.databaseUrl()), 2);
            try {
                store.businesses().findOrCreate("biz-outage");
                server.close();
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                        () -> store.businesses().find("biz-outage"));
                assertTrue(e.getMessage().contains("find business"), e.getMessage());
            } finally {
                store.close();
            }
        }
    }

    @Test
    void toStringShowsWhereButNotThePassword() {
        DatabaseUrl url = DatabaseUrl.parse(postgres.databaseUrl());
        try (PostgresStore store = PostgresStore.start(url, 1)) {
            assertTrue(store.toString().contains(url.host()));
            url.password().ifPresent(p -> assertFalse(store.toString().contains(p)));
        }
    }

    private static void assertNoSecretIn(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), () -> "secret in: " + e);
            for (Throwable suppressed : t.getSuppressed()) {
                assertFalse(String.valueOf(suppressed.getMessage()).contains(secret));
            }
        }
    }

    private static List<LogRecord> captureLogs() {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger.getLogger("").addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return records;
    }

    private static Connection connectTo(String database) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(postgres.databaseUrl(database));
        java.util.Properties login = new java.util.Properties();
        url.user().ifPresent(u -> login.setProperty("user", u));
        url.password().ifPresent(p -> login.setProperty("password", p));
        return java.sql.DriverManager.getConnection(url.jdbcUrl(), login);
    }

    private static Set<String> tables(Connection connection) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static String tablesQuietly(Connection connection) {
        try {
            return tables(connection).toString();
        } catch (SQLException e) {
            return e.toString();
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
