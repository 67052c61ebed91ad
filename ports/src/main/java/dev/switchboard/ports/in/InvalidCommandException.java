package dev.switchboard.ports.in;

/**
 * A command was refused by its own validation: the caller sent something the use case cannot
 * accept. The message says what, is safe to show the caller, and names no secret. Adapters answer
 * it as a client error (HTTP 400); any other {@link IllegalArgumentException} escaping a use case
 * is a bug and is answered and logged as one.
 */
public final class InvalidCommandException extends IllegalArgumentException {
    public InvalidCommandException(String reason) {
        super(reason);
    }
}
