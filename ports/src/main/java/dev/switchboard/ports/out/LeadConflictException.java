package dev.switchboard.ports.out;

/** A change would give two leads of one business the same identity (phone, lid or e-mail address). */
public final class LeadConflictException extends RuntimeException {
    public LeadConflictException(String message) {
        super(message);
    }
}
