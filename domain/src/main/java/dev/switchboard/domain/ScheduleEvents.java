package dev.switchboard.domain;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.LeaseAttempt;

/**
 * What a {@link PeriodicScheduler} tells its owner as a tick goes, in order, so the role can log
 * each step as it happens (a process killed mid-tick has still logged what it did).
 */
public interface ScheduleEvents {

    /** Ignores every event. */
    ScheduleEvents NONE = new ScheduleEvents() {
    };

    /** This process holds the lease for {@code cycle}; {@code justTaken} when it was not the holder before. */
    default void leading(long cycle, boolean justTaken) {
    }

    /** Another process holds the lease; this one does nothing this cycle. */
    default void standingBy(long cycle, LeaseAttempt.HeldByOther holder) {
    }

    /**
     * The schedule was last brought up to date at {@code lastTick}, longer ago than the catch-up
     * window: the occurrences between {@code lastTick} and {@code resumedFrom} are skipped for good.
     */
    default void skipped(long cycle, java.time.Instant lastTick, java.time.Instant resumedFrom) {
    }

    /** A due slot was handed to the queue: a new job, or a duplicate of one already enqueued. */
    default void enqueued(long cycle, Slot slot, EnqueueResult result) {
    }

    /**
     * The lease was lost during {@code cycle}; the cycle stopped with {@code slotsLeft} due slots
     * not enqueued, for the new leader to enqueue.
     */
    default void leaseLost(long cycle, int slotsLeft) {
    }

    /**
     * The scheduler was stopped during {@code cycle}; the cycle stopped with {@code slotsLeft} due
     * slots not enqueued, for the next leader to enqueue.
     */
    default void stopped(long cycle, int slotsLeft) {
    }

    /** The cycle enqueued every due slot of {@code window} and recorded its tick. */
    default void completed(long cycle, ScheduleWindow window, int created, int duplicates) {
    }
}
