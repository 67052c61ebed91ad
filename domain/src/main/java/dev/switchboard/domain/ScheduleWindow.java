package dev.switchboard.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stretch of schedule time a leader's tick covers: the slots starting in
 * {@code (after, upTo]} are due.
 *
 * @param after the end of the previous covered window (exclusive)
 * @param upTo  the tick's clock reading (inclusive)
 */
public record ScheduleWindow(Instant after, Instant upTo) {
    public ScheduleWindow {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(upTo, "upTo");
    }

    /**
     * The window of a tick at {@code now}: it resumes where the last recorded tick ended, so an
     * occurrence a previous leader missed is enqueued now, but reaches back at most
     * {@code catchUp}, so an occurrence older than that is never enqueued (after a long outage,
     * running every missed reminder tick would be worse than skipping them). With no recorded
     * tick (no leader ever ran on this store, or the record was deleted) it is empty: there is
     * nothing a previous leader missed, so the first leader starts from its own first tick
     * instead of back-filling the catch-up window. With a recorded tick ahead of {@code now} (a
     * previous leader's clock ran ahead) it is empty until this clock gets there.
     */
    public static ScheduleWindow of(Optional<Instant> lastTick, Instant now, Duration catchUp) {
        Instant floor = now.minus(catchUp);
        Instant after = lastTick.map(t -> t.isAfter(floor) ? t : floor).orElse(now);
        return new ScheduleWindow(after, now);
    }

    /** True when no slot can start in it. */
    public boolean isEmpty() {
        return !upTo.isAfter(after);
    }

    /**
     * The due slots of {@code jobs} in this window, oldest first; slots starting together keep
     * the table's order.
     */
    public List<Slot> dueSlots(List<PeriodicJob> jobs) {
        List<Slot> slots = new ArrayList<>();
        for (PeriodicJob job : jobs) {
            for (Instant start : job.schedule().startsIn(after, upTo)) {
                slots.add(new Slot(job, start));
            }
        }
        // List.sort is stable: equal starts stay in table order.
        slots.sort(Comparator.comparing(Slot::start));
        return slots;
    }
}
