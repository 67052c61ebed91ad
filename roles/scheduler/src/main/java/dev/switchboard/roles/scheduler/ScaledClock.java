package dev.switchboard.roles.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Development and testing: a clock that runs {@code scale} times faster than {@code wall} from
 * {@code origin}, where both read the same. With scale 3600 a scheduler sees an hour of schedule
 * pass every second, so a short test covers many slots of every periodic job, daily ones included,
 * while the scheduler runs exactly its production code. Built only in the composition root, from
 * {@code SCHEDULER_TIME_SCALE}.
 *
 * <p>The scaled reading is derived from the wall clock, not from this process's monotonic clock,
 * so separate processes given the same origin agree on the schedule's time, as real schedulers do.
 */
final class ScaledClock extends Clock {
    private final Clock wall;
    private final Instant origin;
    private final long scale;

    ScaledClock(Clock wall, Instant origin, long scale) {
        this.wall = Objects.requireNonNull(wall, "wall");
        this.origin = Objects.requireNonNull(origin, "origin");
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, was " + scale);
        }
        this.scale = scale;
    }

    @Override
    public Instant instant() {
        return origin.plus(Duration.between(origin, wall.instant()).multipliedBy(scale));
    }

    @Override
    public ZoneId getZone() {
        return wall.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new ScaledClock(wall.withZone(zone), origin, scale);
    }

    @Override
    public String toString() {
        return "ScaledClock[" + scale + "x from " + origin + "]";
    }
}
