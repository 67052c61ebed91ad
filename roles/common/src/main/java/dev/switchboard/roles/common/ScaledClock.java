package dev.switchboard.roles.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * Development and testing: a clock that runs {@code scale} times faster than {@code wall} from
 * {@code origin}, where both read the same. With scale 3600 a scheduler sees an hour of schedule
 * pass every second, so a short test covers many slots of every periodic job, daily ones included,
 * while the scheduler and the jobs run exactly their production code. Built only in the
 * composition roots, from {@code SCHEDULER_TIME_SCALE} and {@code SCHEDULER_TIME_ORIGIN}: the
 * scheduler's schedule and the time the worker's jobs judge what is due by (docs/scheduler.md).
 *
 * <p>The scaled reading is derived from the wall clock, not from this process's monotonic clock,
 * so separate processes given the same origin agree on the schedule's time, as real schedulers do.
 */
public final class ScaledClock extends Clock {
    /** The largest scale the settings accept: a year of schedule in under a minute. */
    public static final long MAX_SCALE = 1_000_000;

    private final Clock wall;
    private final Instant origin;
    private final long scale;

    public ScaledClock(Clock wall, Instant origin, long scale) {
        this.wall = Objects.requireNonNull(wall, "wall");
        this.origin = Objects.requireNonNull(origin, "origin");
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, was " + scale);
        }
        this.scale = scale;
    }

    /**
     * The origin when none is configured: this process's start, so every role of one process
     * ({@code SERVICE_ROLE=all}) agrees on the scaled time.
     */
    public static Instant processStart() {
        return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    }

    /**
     * {@code wall}, or with {@code SCHEDULER_TIME_SCALE} set, {@code wall} scaled from
     * {@code SCHEDULER_TIME_ORIGIN} (default: {@link #processStart()}). For roles other than the
     * scheduler, whose own settings check these values alongside the catch-up window.
     *
     * @throws ConfigException when either value is malformed
     */
    public static Clock fromEnvironment(Map<String, String> env, Clock wall) {
        String scaleValue = env.getOrDefault("SCHEDULER_TIME_SCALE", "").strip();
        String originValue = env.getOrDefault("SCHEDULER_TIME_ORIGIN", "").strip();
        long scale = 1;
        if (!scaleValue.isEmpty()) {
            try {
                scale = Long.parseLong(scaleValue);
            } catch (NumberFormatException e) {
                scale = 0;
            }
            if (scale < 1 || scale > MAX_SCALE) {
                throw new ConfigException("SCHEDULER_TIME_SCALE must be a whole number from 1 to " + MAX_SCALE
                        + ", was '" + scaleValue + "'");
            }
        }
        Instant origin = processStart();
        if (!originValue.isEmpty()) {
            try {
                origin = Instant.parse(originValue);
            } catch (DateTimeParseException e) {
                throw new ConfigException("SCHEDULER_TIME_ORIGIN must be an ISO-8601 instant like"
                        + " 2026-11-22T22:41:00Z, was '" + originValue + "'");
            }
        }
        return scale == 1 ? wall : new ScaledClock(wall, origin, scale);
    }

    public long scale() {
        return scale;
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
