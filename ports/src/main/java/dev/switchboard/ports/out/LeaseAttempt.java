package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** The answer to {@link LeaseLock#acquire}: the caller holds the lease now, or someone else does. */
public sealed interface LeaseAttempt {

    /** True when the caller holds the lease after the attempt. */
    default boolean held() {
        return !(this instanceof HeldByOther);
    }

    /** The lease was free and the caller took it. */
    record Acquired() implements LeaseAttempt { }

    /** The caller already held the lease; its TTL was extended. */
    record Renewed() implements LeaseAttempt { }

    /**
     * Another owner holds the lease.
     *
     * @param owner     the holder's id
     * @param remaining how long until the holder's lease expires, or empty when it has no expiry
     *                  (set by hand; it would never expire)
     */
    record HeldByOther(String owner, Optional<Duration> remaining) implements LeaseAttempt {
        public HeldByOther {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(remaining, "remaining");
        }
    }
}
