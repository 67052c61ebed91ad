package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.StoreUnavailableException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** Maps JDBC's failures to the ports' exceptions, in one place. */
final class PostgresFailures {
    private PostgresFailures() {
    }

    /**
     * An outage ({@link StoreUnavailableException}) when the database could not be reached, went
     * away, refused the login, is shutting down or has no connection slot left; anything else is a statement the
     * database refused, which is a bug ({@link IllegalStateException}). Messages name the
     * operation and the SQLSTATE; the driver's messages never contain the password.
     */
    static RuntimeException translate(String operation, SQLException e) {
        if (unavailable(e)) {
            return new StoreUnavailableException("PostgreSQL unavailable during " + operation + ": " + e.getMessage(), e);
        }
        return new IllegalStateException("PostgreSQL refused " + operation + " (SQLSTATE " + e.getSQLState() + "): "
                + e.getMessage(), e);
    }

    static boolean unavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException) {
            return true; // HikariCP's "connection is not available" and the driver's lost connections
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08")      // connection exception
                || state.startsWith("28")                    // login refused (wrong password, no such role)
                || state.startsWith("53")                    // insufficient resources (too many connections)
                || state.startsWith("57P")                   // admin shutdown, crash shutdown, cannot connect now
                || state.equals("57014"));                   // query cancelled (statement or socket timeout)
    }
}
