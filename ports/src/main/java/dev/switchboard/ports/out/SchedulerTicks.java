package dev.switchboard.ports.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The scheduler's record of its progress, {@code scheduler:last_tick}: the instant, on the
 * schedule's clock, up to which every due periodic occurrence has been enqueued. The leader moves
 * it at the end of each tick and, within a tick, before each enqueue; a new leader resumes from
 * it, so it repeats at most the occurrence that was in flight (which dedupe folds) and leaves no
 * gap.
 */
public interface SchedulerTicks {

    /**
     * The last recorded tick, or empty when none was recorded (a fresh store) or the stored value
     * is unreadable.
     */
    Optional<Instant> lastTick();

    /**
     * Records {@code tick} and extends the scheduler lease to {@code leaseTtl}, only while
     * {@code leaseOwner} holds the lease, in one atomic step: a deposed leader can move neither,
     * and a leader busy with a long catch-up keeps its lease while it makes progress.
     *
     * @return false when the lease is no longer {@code leaseOwner}'s; nothing was changed
     */
    boolean recordTick(String leaseOwner, Duration leaseTtl, Instant tick);
}
