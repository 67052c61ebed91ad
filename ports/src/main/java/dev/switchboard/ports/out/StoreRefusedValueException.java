package dev.switchboard.ports.out;

/**
 * The CRM store refused a value it was given: text it cannot hold (the NUL character), a date out
 * of its range, a number out of range, a value its rules refuse. The input is at fault, not the
 * store: a request answers 400 with {@link #reason()}, a job fails without blaming an outage.
 * Inputs are checked where they enter; this is the net under those checks, so that a value they
 * missed is still a client's error and not a 500.
 */
public class StoreRefusedValueException extends RuntimeException {
    private final String reason;

    /**
     * @param reason  what was wrong, safe to show the client (no values, no SQL)
     * @param message for the log: the operation and the store's own words
     */
    public StoreRefusedValueException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What was wrong, in words the client may see. */
    public String reason() {
        return reason;
    }
}
