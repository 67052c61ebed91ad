package dev.switchboard.ports.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Read side of the scheduler for health reporting ({@code /api/jobs/health}): when it last
 * ticked and who holds its lease. Reads only; never changes the scheduler's state.
 */
public interface SchedulerStatus {

    /**
     * The status as one consistent reading.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    Snapshot read();

    /**
     * The scheduler's status at one moment.
     *
     * @param lastTick      the last completed leader tick, on the scheduler's clock
     * @param leaseOwner    the id of the process holding the lease, if any
     * @param leaseRemaining how long the lease has left; empty when nobody holds it, or when it was
     *                      set without an expiry (it would never pass to another process)
     */
    record Snapshot(Optional<Instant> lastTick, Optional<String> leaseOwner, Optional<Duration> leaseRemaining) {
        public Snapshot {
            Objects.requireNonNull(lastTick, "lastTick");
            Objects.requireNonNull(leaseOwner, "leaseOwner");
            Objects.requireNonNull(leaseRemaining, "leaseRemaining");
        }

        /** True when some scheduler process holds the lease. */
        public boolean lockHeld() {
            return leaseOwner.isPresent();
        }
    }
}
