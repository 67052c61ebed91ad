package dev.switchboard.domain;

import java.util.List;
import java.util.Objects;

/** What one {@link PeriodicScheduler#tick()} did. */
public sealed interface ScheduleOutcome {

    /** The tick's number in this process, from 1. */
    long cycle();

    /** Another process holds the lease; nothing was enqueued. */
    record StoodBy(long cycle, String holder) implements ScheduleOutcome {
        public StoodBy {
            Objects.requireNonNull(holder, "holder");
        }
    }

    /** The scheduler was stopped; the tick did nothing, not even try the lease. */
    record Stopped(long cycle) implements ScheduleOutcome { }

    /**
     * This process led the cycle.
     *
     * @param window     the schedule time the cycle covered
     * @param created    slot ids enqueued as new jobs, in order
     * @param duplicates slot ids whose job already existed (an overlapping or previous leader
     *                   enqueued it)
     * @param completed  true when every due slot was enqueued and the tick recorded; false when
     *                   the lease was lost or the scheduler stopped part way, leaving the rest to
     *                   the next leader
     */
    record Led(long cycle, ScheduleWindow window, List<String> created, List<String> duplicates,
               boolean completed) implements ScheduleOutcome {
        public Led {
            Objects.requireNonNull(window, "window");
            created = List.copyOf(created);
            duplicates = List.copyOf(duplicates);
        }
    }
}
