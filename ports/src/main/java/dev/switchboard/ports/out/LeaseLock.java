package dev.switchboard.ports.out;

import java.time.Duration;

/**
 * A lease on one named resource, held by at most one owner at a time and lost by expiry when the
 * owner stops renewing it (a crash). Owners are ids unique per process start, so a restarted
 * process never mistakes an old lease for its own.
 *
 * <p>The lease is an optimisation that keeps one process doing the work; it is not a fence. A
 * paused owner may still act for a moment after its lease expired, so whatever it protects must
 * also be idempotent (the scheduler's enqueues carry a dedupe key).
 */
public interface LeaseLock {

    /**
     * Takes the lease when nobody holds it (SET NX), renews it when {@code owner} already holds it
     * (compare-and-renew), and otherwise reports the holder. One atomic step.
     *
     * @param ttl how long the lease lasts unless renewed
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    LeaseAttempt acquire(String owner, Duration ttl);

    /**
     * Gives the lease up only while {@code owner} holds it (compare-and-delete), so a standby can
     * take over at its next attempt instead of waiting for the lease to expire.
     *
     * @return false when the lease was not {@code owner}'s; nothing was changed
     */
    boolean release(String owner);
}
