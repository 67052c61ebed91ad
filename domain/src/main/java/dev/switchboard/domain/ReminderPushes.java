package dev.switchboard.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * When a reminder is pushed to its user: 30 and 15 minutes before it is due, each offset at most
 * once (the push log's unique row enforces "once"; this says "when").
 *
 * <p>A tick at {@code now} pushes the <em>latest</em> offset whose moment has come. A reminder
 * created 10 minutes before it is due therefore gets one push (the 15-minute one), not the 30 and
 * the 15 at once; one created 20 minutes before gets the 30-minute push at once ("in 20 minutes")
 * and the 15-minute one on time. A reminder whose moment came while no tick ran (created a few
 * seconds before it was due, or the scheduler was down) is still pushed if it is at most
 * {@link #LATE_GRACE} overdue; older ones are not: a push about a meeting long past helps nobody.
 */
public final class ReminderPushes {
    /** Minutes before the due time, earliest first. */
    public static final List<Integer> OFFSETS = List.of(30, 15);
    public static final Duration LATE_GRACE = Duration.ofMinutes(5);
    private static final Duration EARLIEST = Duration.ofMinutes(OFFSETS.getFirst());

    private ReminderPushes() {
    }

    /** The earliest due time a tick at {@code now} must consider (inclusive). */
    public static Instant windowStart(Instant now) {
        return now.minus(LATE_GRACE);
    }

    /** The latest due time a tick at {@code now} must consider (inclusive). */
    public static Instant windowEnd(Instant now) {
        return now.plus(EARLIEST);
    }

    /** The offset (minutes) to push at {@code now} for a reminder due at {@code due}, if any. */
    public static OptionalInt offsetAt(Instant due, Instant now) {
        if (due.isBefore(windowStart(now)) || due.isAfter(windowEnd(now))) {
            return OptionalInt.empty();
        }
        for (int i = OFFSETS.size() - 1; i >= 0; i--) {
            int offset = OFFSETS.get(i);
            if (!due.minus(Duration.ofMinutes(offset)).isAfter(now)) {
                return OptionalInt.of(offset);
            }
        }
        return OptionalInt.empty();
    }
}
