package dev.switchboard.adapters.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.OutboundCallRepository;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.ReminderRepository;
import dev.switchboard.ports.out.StoreUnavailableException;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import dev.switchboard.ports.out.WhatsAppSessionRepository;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The CRM store of one process: a HikariCP pool on the database named by {@code DATABASE_URL},
 * with the schema migrated at start, and the repository adapters on top of it.
 *
 * <p>Start-up migrates with Flyway before the pool is handed out. Several processes may start at
 * once: Flyway holds a PostgreSQL advisory lock while it migrates, so one applies each migration
 * and the others find it applied. A migration edited after it landed fails the start (checksum
 * validation), which is the point: migrations are never edited, a change is a new one.
 */
public final class PostgresStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresStore.class.getName());

    /** Pool size when {@code DATABASE_POOL_SIZE} is unset: enough for a worker's default 8 slots, which hold a connection only per statement. */
    public static final int DEFAULT_POOL_SIZE = 5;
    /** How long a caller waits for a pooled connection (or a new one) before the store counts as unavailable. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Where the migrations are, as a resource path of this module. */
    static final String MIGRATIONS = "dev/switchboard/adapters/postgres/migrations";

    private final DatabaseUrl url;
    private final HikariDataSource pool;
    private final Database database;
    private final Clock clock;
    private final int migrationsApplied;

    private PostgresStore(DatabaseUrl url, HikariDataSource pool, Clock clock, int migrationsApplied) {
        this.url = url;
        this.pool = pool;
        this.database = new Database(pool);
        this.clock = clock;
        this.migrationsApplied = migrationsApplied;
    }

    /**
     * Migrates the database named by {@code url} and opens the pool.
     *
     * @param maxPoolSize the most connections this process holds ({@code DATABASE_POOL_SIZE})
     * @param clock       the wall clock for stored timestamps (created, updated, session opened)
     * @throws StoreUnavailableException when the database cannot be reached or refuses the login
     * @throws IllegalStateException     when a migration fails, or the database's history does not
     *                                   match the migrations shipped (one was edited or removed)
     */
    public static PostgresStore start(DatabaseUrl url, int maxPoolSize, Clock clock) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(clock, "clock");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
        int applied = migrate(url);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(url, maxPoolSize));
        } catch (HikariPool.PoolInitializationException e) {
            throw unavailable(url, e);
        }
        LOG.info(() -> "PostgreSQL store ready at " + url.describe() + " (pool of " + maxPoolSize
                + (applied > 0 ? ", " + applied + " migration(s) applied)" : ", schema up to date)"));
        return new PostgresStore(url, pool, clock, applied);
    }

    /** {@link #start(DatabaseUrl, int, Clock)} with the system clock in UTC. */
    public static PostgresStore start(DatabaseUrl url, int maxPoolSize) {
        return start(url, maxPoolSize, Clock.systemUTC());
    }

    static HikariConfig poolConfig(DatabaseUrl url, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("switchboard-postgres");
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(maxPoolSize);
        // A fixed-size pool (HikariCP's advice), but a quiet process keeps one connection only.
        config.setMinimumIdle(Math.min(1, maxPoolSize));
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
        config.setKeepaliveTime(Duration.ofMinutes(2).toMillis());
        // Fail the start at once, typed, when the database is down: the role exits and its supervisor retries.
        config.setInitializationFailTimeout(1);
        if (!url.parameters().containsKey("ApplicationName")) {
            config.addDataSourceProperty("ApplicationName", "switchboard");
        }
        config.addDataSourceProperty("connectTimeout", Long.toString(CONNECTION_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // The server's DETAIL ("Failing row contains (...)") quotes the row, secrets included: our
        // exception messages, and so the logs, carry the error alone.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return config;
    }

    /** Applies the pending migrations on a connection of its own (a long migration is not cut by pool timeouts). */
    private static int migrate(DatabaseUrl url) {
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setURL(url.jdbcUrl());
        url.user().ifPresent(direct::setUser);
        url.password().ifPresent(direct::setPassword);
        direct.setConnectTimeout((int) CONNECTION_TIMEOUT.toSeconds());
        direct.setApplicationName("switchboard-migrations");
        try {
            MigrateResult result = flyway(direct).migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            SQLException sql = sqlCause(e);
            if (sql != null && PostgresFailures.unavailable(sql)) {
                throw unavailable(url, e);
            }
            throw new IllegalStateException("migrating the CRM store at " + url.describe() + " failed: " + e.getMessage(), e);
        }
    }

    static Flyway flyway(javax.sql.DataSource dataSource) {
        return Flyway.configure(PostgresStore.class.getClassLoader())
                .dataSource(dataSource)
                .resourceProvider(MigrationResources.of(PostgresStore.class, MIGRATIONS))
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                // A rival process migrating holds the lock: wait for it rather than fail the start.
                .lockRetryCount(600)
                .load();
    }

    private static StoreUnavailableException unavailable(DatabaseUrl url, Exception e) {
        SQLException sql = sqlCause(e);
        String reason = sql != null ? sql.getMessage() : e.getMessage();
        return new StoreUnavailableException("PostgreSQL unavailable at " + url.describe() + ": " + reason, e);
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    public BusinessRepository businesses() {
        return new PostgresBusinessRepository(database);
    }

    public LeadRepository leads() {
        return new PostgresLeadRepository(database, clock);
    }

    public MessageRepository messages() {
        return new PostgresMessageRepository(database, clock);
    }

    public WhatsAppSessionRepository whatsAppSessions() {
        return new PostgresWhatsAppSessionRepository(database, clock);
    }

    public PushSubscriptionRepository pushSubscriptions() {
        return new PostgresPushSubscriptionRepository(database);
    }

    public ReminderRepository reminders() {
        return new PostgresReminderRepository(database, clock);
    }

    public WebhookEndpointRepository webhookEndpoints() {
        return new PostgresWebhookEndpointRepository(database, clock);
    }

    public BroadcastRepository broadcasts() {
        return new PostgresBroadcastRepository(database, clock);
    }

    public WebhookDeliveryRepository webhookDeliveries() {
        return new PostgresWebhookDeliveryRepository(database);
    }

    public RecordingRepository recordings() {
        return new PostgresRecordingRepository(database);
    }

    public GmailConnectionRepository gmailConnections() {
        return new PostgresGmailConnectionRepository(database, clock);
    }

    public CallLogRepository callLogs() {
        return new PostgresCallLogRepository(database, clock);
    }

    public OutboundCallRepository outboundCalls() {
        return new PostgresOutboundCallRepository(database, clock);
    }

    /** How many migrations this start applied (0 when the schema was up to date). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    /** Where the store is, without credentials. */
    public String describe() {
        return url.describe();
    }

    /** Closes every pooled connection; callers still holding one finish first. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresStore[" + url + "]";
    }
}
