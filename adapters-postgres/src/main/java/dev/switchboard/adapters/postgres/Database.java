package dev.switchboard.adapters.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Borrows a pooled connection for one unit of work and gives it back; every {@link SQLException}
 * leaves as the ports' exceptions ({@link PostgresFailures}). The repositories' only way to the
 * database.
 */
final class Database {

    /** Work on a connection; may throw the driver's exceptions, which the caller translates. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource pool;

    Database(DataSource pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in autocommit mode: each statement commits on its own. */
    <T> T run(String operation, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw PostgresFailures.translate(operation, e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T transaction(String operation, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                // HikariCP resets auto-commit on return too; be explicit about the state we hand back.
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw PostgresFailures.translate(operation, e);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /** Binds an instant to a {@code timestamptz} parameter (JDBC 4.2: OffsetDateTime, no JVM time zone involved). */
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        OffsetDateTime utc;
        try {
            utc = instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            // Past year 999,999,999 in UTC: no date PostgreSQL (or java.time) can write.
            throw new dev.switchboard.ports.out.StoreRefusedValueException("a date or time is out of range",
                    "instant out of range: " + e.getMessage(), e);
        }
        statement.setObject(index, utc);
    }

    /** Reads a {@code timestamptz} column; null stays null. */
    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
