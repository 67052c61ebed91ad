package dev.switchboard.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * When a periodic job is due: the start instants of its slots. Pure: a schedule answers for any
 * window it is given and never reads a clock.
 *
 * <p>Slot starts are whole minutes, because a slot's id names its start to the minute: two
 * starts inside one minute would share an id and be folded into one job.
 */
public sealed interface Schedule {

    /** Every {@code period}, aligned to the UTC clock (every 5 minutes: :00, :05, :10 ...). */
    static Schedule every(Duration period) {
        return new Every(period);
    }

    /** Once a day at {@code time} on the wall clock of {@code zone}; see {@link DailyAt} for DST. */
    static Schedule dailyAt(LocalTime time, ZoneId zone) {
        return new DailyAt(time, zone);
    }

    /**
     * The slot starts {@code s} with {@code after < s <= upTo}, oldest first, each once. Empty when
     * {@code upTo} is not after {@code after}.
     */
    List<Instant> startsIn(Instant after, Instant upTo);

    /**
     * Slots every {@code period}: the instants whose time since the Unix epoch is a whole number of
     * periods. Aligning to the epoch rather than to the first tick makes every process agree on
     * the slots, whenever it started.
     */
    record Every(Duration period) implements Schedule {
        public Every {
            Objects.requireNonNull(period, "period");
            if (period.compareTo(Duration.ofMinutes(1)) < 0 || period.toSeconds() % 60 != 0 || period.toNanosPart() != 0) {
                throw new IllegalArgumentException("a period must be a whole number of minutes, was " + period);
            }
        }

        @Override
        public List<Instant> startsIn(Instant after, Instant upTo) {
            long step = period.toSeconds();
            List<Instant> starts = new ArrayList<>();
            // The first multiple of the period strictly after 'after' (floorDiv handles the
            // fractional second: 12:00:00.5 is after the 12:00 slot).
            for (long s = (Math.floorDiv(after.getEpochSecond(), step) + 1) * step;
                 !Instant.ofEpochSecond(s).isAfter(upTo); s += step) {
                starts.add(Instant.ofEpochSecond(s));
            }
            return starts;
        }
    }

    /**
     * Slots once a day at a wall-clock time of a zone. Where daylight saving time bends the wall
     * clock, the rule is java.time's default resolution, chosen so that a daily job runs exactly
     * once on every local date:
     * <ul>
     *   <li>a time the clock skips (spring forward, e.g. 03:00 in Europe/Helsinki on the last
     *       Sunday of March) runs once, at the skipped time shifted by the gap's length (04:00
     *       summer time, the first instant after the jump);</li>
     *   <li>a time the clock repeats (fall back, 03:00 in Europe/Helsinki on the last Sunday of
     *       October happens twice) runs once, at its first occurrence (the earlier offset).</li>
     * </ul>
     * When a zone skips a whole date (Pacific/Apia, 2011-12-30) the shifted start coincides with
     * the next date's and the two are one slot.
     */
    record DailyAt(LocalTime time, ZoneId zone) implements Schedule {
        public DailyAt {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(zone, "zone");
            if (time.getSecond() != 0 || time.getNano() != 0) {
                throw new IllegalArgumentException("a daily time must be a whole minute, was " + time);
            }
        }

        @Override
        public List<Instant> startsIn(Instant after, Instant upTo) {
            TreeSet<Instant> starts = new TreeSet<>();
            if (!upTo.isAfter(after)) {
                return List.of();
            }
            // One day either side of the window's local dates covers every offset a zone can have.
            LocalDate last = upTo.atZone(zone).toLocalDate().plusDays(1);
            for (LocalDate date = after.atZone(zone).toLocalDate().minusDays(1); !date.isAfter(last);
                 date = date.plusDays(1)) {
                Instant start = ZonedDateTime.of(date, time, zone).toInstant();
                if (start.isAfter(after) && !start.isAfter(upTo)) {
                    starts.add(start);
                }
            }
            return List.copyOf(starts);
        }
    }
}
