package dev.switchboard.ports.out;

/** What a cancel request did. */
public enum CancelOutcome {
    /** A queued or scheduled job was removed and marked canceled. */
    CANCELED,
    /** The job is running; its worker was asked to stop it at its next cancellation point. */
    CANCEL_REQUESTED,
    /** The job had already finished, failed or been canceled; nothing changed. */
    ALREADY_DONE,
    /** No such job within the caller's business. */
    NOT_FOUND
}
