package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.LimitReachedException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gmail_connections table. Connecting is one {@code INSERT ... ON CONFLICT} on the unique
 * index of business and lower-cased address, so two connects of one mailbox at once leave one
 * row. History ids are {@code numeric(20,0)} (Gmail's are uint64) and only move forward:
 * {@link #synced} keeps the larger of the stored and the new one.
 */
final class PostgresGmailConnectionRepository implements GmailConnectionRepository {
    private static final String COLUMNS = "id::text AS id, business_id, email, refresh_token, generation, history_id,"
            + " status, last_synced_at, last_error, created_at";
    /** A stored error is for people to read, not a log: bounded. */
    private static final int MAX_ERROR = 1000;

    private final Database database;
    private final Clock clock;

    PostgresGmailConnectionRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public GmailConnection connect(String businessId, String email, String refreshToken) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(refreshToken, "refreshToken");
        return database.transaction("connect gmail", connection -> {
            PostgresLeadRepository.lockBusiness(connection, businessId);
            if (!isConnected(connection, businessId, email)
                    && PostgresLeadRepository.countOfBusiness(connection, "gmail_connections", businessId)
                    >= MAX_PER_BUSINESS) {
                throw new LimitReachedException("a business connects at most " + MAX_PER_BUSINESS + " mailboxes",
                        MAX_PER_BUSINESS);
            }
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO gmail_connections AS g (business_id, email, refresh_token, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT (business_id, lower(email)) DO UPDATE SET refresh_token = EXCLUDED.refresh_token,"
                            + " generation = g.generation + 1, status = 'active', last_error = NULL, not_before = NULL,"
                            + " updated_at = EXCLUDED.updated_at"
                            + " RETURNING " + COLUMNS)) {
                Instant now = clock.instant();
                upsert.setString(1, businessId);
                upsert.setString(2, email);
                upsert.setString(3, refreshToken);
                Database.setInstant(upsert, 4, now);
                Database.setInstant(upsert, 5, now);
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return connection(row);
                }
            }
        });
    }

    /** Whether the business has this address connected already (case ignored, as the unique index). */
    private static boolean isConnected(Connection connection, String businessId, String email) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM gmail_connections WHERE business_id = ? AND lower(email) = lower(?)")) {
            query.setString(1, businessId);
            query.setString(2, email);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    @Override
    public List<GmailConnection> list(String businessId) {
        Objects.requireNonNull(businessId, "businessId");
        return database.run("list gmail connections", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM gmail_connections WHERE business_id = ? ORDER BY created_at, id")) {
                query.setString(1, businessId);
                return connections(query);
            }
        });
    }

    @Override
    public Optional<GmailConnection> find(String businessId, String connectionId) {
        Objects.requireNonNull(businessId, "businessId");
        if (!PostgresLeadRepository.isUuid(connectionId)) {
            return Optional.empty();
        }
        return database.run("find gmail connection", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM gmail_connections WHERE business_id = ? AND id = ?::uuid")) {
                query.setString(1, businessId);
                query.setString(2, connectionId);
                List<GmailConnection> found = connections(query);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
            }
        });
    }

    @Override
    public boolean delete(String businessId, String connectionId) {
        Objects.requireNonNull(businessId, "businessId");
        if (!PostgresLeadRepository.isUuid(connectionId)) {
            return false;
        }
        return database.run("delete gmail connection", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM gmail_connections WHERE business_id = ? AND id = ?::uuid")) {
                delete.setString(1, businessId);
                delete.setString(2, connectionId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<GmailConnection> active(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return database.run("list active gmail connections", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM gmail_connections WHERE status = 'active'"
                            + " AND (not_before IS NULL OR not_before <= ?) ORDER BY created_at, id LIMIT ?")) {
                Database.setInstant(query, 1, clock.instant());
                query.setInt(2, limit);
                return connections(query);
            }
        });
    }

    @Override
    public void synced(String businessId, String connectionId, BigInteger historyId, Instant at) {
        Objects.requireNonNull(historyId, "historyId");
        Objects.requireNonNull(at, "at");
        update("record gmail sync", "history_id = GREATEST(COALESCE(history_id, 0), ?), last_synced_at = ?,"
                + " last_error = NULL, not_before = NULL", businessId, connectionId, statement -> {
            statement.setBigDecimal(1, new BigDecimal(historyId));
            Database.setInstant(statement, 2, at);
            return 3;
        });
    }

    @Override
    public void failed(String businessId, String connectionId, String error) {
        update("record gmail sync failure", "last_error = ?", businessId, connectionId, statement -> {
            statement.setString(1, bounded(error));
            return 2;
        });
    }

    @Override
    public void waitUntil(String businessId, String connectionId, String error, Instant notBefore) {
        Objects.requireNonNull(notBefore, "notBefore");
        // PostgreSQL's GREATEST skips NULLs: no wait yet takes this one, a longer one is kept.
        update("record gmail wait", "last_error = ?, not_before = GREATEST(not_before, ?)", businessId, connectionId,
                statement -> {
                    statement.setString(1, bounded(error));
                    Database.setInstant(statement, 2, notBefore);
                    return 3;
                });
    }

    @Override
    public void reconnectNeeded(String businessId, String connectionId, int generation, String error) {
        Objects.requireNonNull(businessId, "businessId");
        if (!PostgresLeadRepository.isUuid(connectionId)) {
            return;
        }
        database.run("mark gmail connection for reconnect", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE gmail_connections SET"
                    + " status = 'reconnect_needed', last_error = ?, updated_at = ?"
                    + " WHERE business_id = ? AND id = ?::uuid AND generation = ?")) {
                update.setString(1, bounded(error));
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, businessId);
                update.setString(4, connectionId);
                update.setInt(5, generation);
                return update.executeUpdate();
            }
        });
    }

    @FunctionalInterface
    private interface Binder {
        /** Binds the SET clause's parameters; returns the index of the next one. */
        int bind(PreparedStatement statement) throws SQLException;
    }

    private void update(String operation, String set, String businessId, String connectionId, Binder binder) {
        Objects.requireNonNull(businessId, "businessId");
        if (!PostgresLeadRepository.isUuid(connectionId)) {
            return;
        }
        database.run(operation, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE gmail_connections SET " + set
                    + ", updated_at = ? WHERE business_id = ? AND id = ?::uuid")) {
                int next = binder.bind(update);
                Database.setInstant(update, next++, clock.instant());
                update.setString(next++, businessId);
                update.setString(next, connectionId);
                return update.executeUpdate();
            }
        });
    }

    private static String bounded(String error) {
        String text = error == null || error.isBlank() ? "unknown error" : error;
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR - 1) + "…" : text;
    }

    private static List<GmailConnection> connections(PreparedStatement query) throws SQLException {
        List<GmailConnection> out = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                out.add(connection(row));
            }
        }
        return out;
    }

    private static GmailConnection connection(ResultSet row) throws SQLException {
        BigDecimal history = row.getBigDecimal("history_id");
        return new GmailConnection(row.getString("id"), row.getString("business_id"), row.getString("email"),
                row.getString("refresh_token"), row.getInt("generation"),
                Optional.ofNullable(history).map(BigDecimal::toBigIntegerExact), row.getString("status"),
                Optional.ofNullable(Database.instant(row, "last_synced_at")),
                Optional.ofNullable(row.getString("last_error")), Database.instant(row, "created_at"));
    }
}
