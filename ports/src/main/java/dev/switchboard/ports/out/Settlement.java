package dev.switchboard.ports.out;

/** The outcome of presenting a lease token to settle a job. */
public enum Settlement {
    /** The transition was applied. */
    APPLIED,
    /** The lease was no longer ours (it expired and the job was taken over, or was cancelled). */
    LEASE_LOST
}
