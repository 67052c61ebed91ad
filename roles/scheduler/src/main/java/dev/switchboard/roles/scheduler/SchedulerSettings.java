package dev.switchboard.roles.scheduler;

import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.Durations;
import dev.switchboard.roles.common.ScaledClock;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's own settings, read from the environment and validated; every problem found is
 * reported at once.
 *
 * @param tick       {@code SCHEDULER_TICK}: how often the loop takes or renews the lease and
 *                   enqueues what is due, default 15 s
 * @param leaseTtl   {@code SCHEDULER_LEASE_TTL}: how long the leader lease lasts unless renewed,
 *                   default 45 s; longer than the tick (the leader renews once per tick), and
 *                   the longest a crashed leader's lease keeps a standby waiting
 * @param catchUp    {@code SCHEDULER_CATCHUP}: how far back a leader reaches for occurrences a
 *                   previous leader missed, default 10 min, on the schedule's clock; longer than a
 *                   takeover after a crash (lease TTL plus a tick), or a crash would skip slots
 * @param zone       {@code SCHEDULER_ZONE}: the business time zone of the daily jobs, default UTC
 * @param timeScale  {@code SCHEDULER_TIME_SCALE}, development and testing only: the schedule's
 *                   clock runs this many times faster than real time, default 1 (real time)
 * @param timeOrigin {@code SCHEDULER_TIME_ORIGIN}, with a time scale: the instant (ISO-8601) from
 *                   which the scaled clock runs fast; default the process start. Processes that
 *                   must agree on the schedule (a leader and its standbys) need the same origin.
 */
public record SchedulerSettings(Duration tick, Duration leaseTtl, Duration catchUp, ZoneId zone, long timeScale,
                                Optional<Instant> timeOrigin) {

    public static final Duration DEFAULT_TICK = Duration.ofSeconds(15);
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(45);
    public static final Duration DEFAULT_CATCH_UP = Duration.ofMinutes(10);
    static final long MAX_TIME_SCALE = ScaledClock.MAX_SCALE;

    public SchedulerSettings {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(catchUp, "catchUp");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(timeOrigin, "timeOrigin");
        List<String> problems = problems(tick, leaseTtl, catchUp, timeScale);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    /** The production defaults: tick 15 s, lease 45 s, catch-up 10 min, UTC, real time. */
    public static SchedulerSettings defaults() {
        return new SchedulerSettings(DEFAULT_TICK, DEFAULT_LEASE_TTL, DEFAULT_CATCH_UP, ZoneOffset.UTC, 1,
                Optional.empty());
    }

    /**
     * Reads {@code SCHEDULER_TICK}, {@code SCHEDULER_LEASE_TTL}, {@code SCHEDULER_CATCHUP} (durations
     * like {@code 200ms}, {@code 15s}, {@code 10m}), {@code SCHEDULER_ZONE}, {@code SCHEDULER_TIME_SCALE}
     * and {@code SCHEDULER_TIME_ORIGIN}.
     *
     * @throws ConfigException naming every malformed or inconsistent setting
     */
    public static SchedulerSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Duration tick = duration(env, "SCHEDULER_TICK", DEFAULT_TICK, problems);
        Duration leaseTtl = duration(env, "SCHEDULER_LEASE_TTL", DEFAULT_LEASE_TTL, problems);
        Duration catchUp = duration(env, "SCHEDULER_CATCHUP", DEFAULT_CATCH_UP, problems);
        int malformedDurations = problems.size();
        ZoneId zone = ZoneOffset.UTC;
        String zoneValue = value(env, "SCHEDULER_ZONE");
        if (zoneValue != null) {
            try {
                zone = ZoneId.of(zoneValue);
            } catch (DateTimeException e) {
                problems.add("SCHEDULER_ZONE must be a time zone id like UTC or America/Sao_Paulo, was '" + zoneValue + "'");
            }
        }
        long scale = 1;
        String scaleValue = value(env, "SCHEDULER_TIME_SCALE");
        if (scaleValue != null) {
            try {
                scale = Long.parseLong(scaleValue);
            } catch (NumberFormatException e) {
                scale = 0; // reported below
            }
            if (scale < 1 || scale > MAX_TIME_SCALE) {
                problems.add("SCHEDULER_TIME_SCALE must be a whole number from 1 to " + MAX_TIME_SCALE
                        + ", was '" + scaleValue + "'");
                malformedDurations++;
                scale = 1;
            }
        }
        Optional<Instant> origin = Optional.empty();
        String originValue = value(env, "SCHEDULER_TIME_ORIGIN");
        if (originValue != null) {
            try {
                origin = Optional.of(Instant.parse(originValue));
            } catch (DateTimeParseException e) {
                problems.add("SCHEDULER_TIME_ORIGIN must be an ISO-8601 instant like 2026-11-22T22:41:00Z, was '"
                        + originValue + "'");
            }
        }
        if (malformedDurations == 0) {
            // How the durations relate is only worth checking once each of them parsed.
            problems.addAll(problems(tick, leaseTtl, catchUp, scale));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new SchedulerSettings(tick, leaseTtl, catchUp, zone, scale, origin);
    }

    private static List<String> problems(Duration tick, Duration leaseTtl, Duration catchUp, long timeScale) {
        List<String> problems = new ArrayList<>();
        if (tick.isZero() || tick.isNegative()) {
            problems.add("SCHEDULER_TICK must be positive");
        }
        if (catchUp.isZero() || catchUp.isNegative()) {
            problems.add("SCHEDULER_CATCHUP must be positive");
        }
        if (leaseTtl.compareTo(tick) <= 0) {
            problems.add("SCHEDULER_LEASE_TTL (" + leaseTtl.toMillis() + " ms) must be longer than SCHEDULER_TICK ("
                    + tick.toMillis() + " ms): the leader renews its lease once per tick");
        }
        if (timeScale < 1 || timeScale > MAX_TIME_SCALE) {
            problems.add("SCHEDULER_TIME_SCALE must be from 1 to " + MAX_TIME_SCALE);
        } else if (problems.isEmpty() && catchUp.compareTo(leaseTtl.plus(tick).multipliedBy(timeScale)) <= 0) {
            // After a crash the next leader ticks up to lease TTL + tick later (of real time, so
            // times the scale on the schedule's clock); a shorter window would skip what fell due.
            problems.add("SCHEDULER_CATCHUP (" + catchUp.toMillis() + " ms of schedule time) must be longer than a"
                    + " takeover after a crash, SCHEDULER_LEASE_TTL + SCHEDULER_TICK"
                    + (timeScale == 1 ? "" : " times SCHEDULER_TIME_SCALE") + " ("
                    + leaseTtl.plus(tick).multipliedBy(timeScale).toMillis() + " ms)");
        }
        return problems;
    }

    /**
     * The clock the schedule runs on: {@code wall} itself, or with a time scale a clock that runs
     * {@link #timeScale} times faster from {@link #timeOrigin} (or from now).
     */
    public Clock scheduleClock(Clock wall) {
        if (timeScale == 1) {
            return wall;
        }
        return new ScaledClock(wall, timeOrigin.orElseGet(ScaledClock::processStart), timeScale);
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        String value = value(env, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Durations.parse(name, value);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        return "tick " + tick.toMillis() + " ms, lease TTL " + leaseTtl.toMillis() + " ms, catch-up "
                + catchUp.toSeconds() + " s, zone " + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId())
                + (timeScale == 1 ? "" : ", time scale " + timeScale
                + timeOrigin.map(o -> " from " + o).orElse(" from process start"));
    }
}
