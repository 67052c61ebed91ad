package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.StoreRefusedValueException;
import dev.switchboard.ports.out.StoreUnavailableException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/** Maps JDBC's failures to the ports' exceptions, in one place. */
final class PostgresFailures {
    private PostgresFailures() {
    }

    /**
     * An outage ({@link StoreUnavailableException}) when the database could not be reached, went
     * away, refused the login, is shutting down or has no connection slot left; a value the database
     * refused ({@link StoreRefusedValueException}, see {@link #refusedValue}); anything else is a
     * statement the database refused, which is a bug ({@link IllegalStateException}). Messages name the
     * operation and the SQLSTATE; the driver's messages never contain the password.
     */
    static RuntimeException translate(String operation, SQLException e) {
        if (unavailable(e)) {
            return new StoreUnavailableException("PostgreSQL unavailable during " + operation + ": " + e.getMessage(), e);
        }
        String state = e.getSQLState();
        String message = "PostgreSQL refused " + operation + " (SQLSTATE " + state + "): " + e.getMessage();
        Optional<String> refusedValue = refusedValue(state);
        if (refusedValue.isPresent()) {
            return new StoreRefusedValueException(refusedValue.get(), message, e);
        }
        return new IllegalStateException(message, e);
    }

    /**
     * What a refusal of the value itself means for the client: SQLSTATE class 22 (data exception:
     * text the database cannot hold, a date or number out of range, a malformed literal) and 23514
     * (a CHECK constraint). Empty for anything else, which is a bug of ours.
     */
    static Optional<String> refusedValue(String state) {
        if (state == null) {
            return Optional.empty();
        }
        return switch (state) {
            case "22021", "22P05" -> Optional.of("text must not contain the NUL character or characters the store cannot encode");
            case "22008", "22007" -> Optional.of("a date or time is out of range");
            case "22001" -> Optional.of("a value is too long");
            case "22003" -> Optional.of("a number is out of range");
            case "23514" -> Optional.of("a value breaks a rule of the CRM store (SQLSTATE 23514)");
            default -> state.startsWith("22") ? Optional.of("a value is malformed (SQLSTATE " + state + ")")
                    : Optional.empty();
        };
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
