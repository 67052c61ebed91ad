package dev.switchboard.ports.out;

/**
 * The CRM store (PostgreSQL) could not be reached, refused the connection, or did not answer in
 * time. Raised by every repository port instead of the driver's own exceptions, so callers need
 * no database types: a job lets its retry policy run, a request answers 503. The message never
 * contains credentials.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
