package dev.switchboard.ports.out;

/** What a lease holder learns when it extends its lease. */
public enum Heartbeat {
    /** The lease was extended. */
    EXTENDED,
    /** The lease is no longer ours: stop, and do not settle the job. */
    LEASE_LOST,
    /** The lease was extended, and someone asked to cancel the job. */
    CANCEL_REQUESTED
}
