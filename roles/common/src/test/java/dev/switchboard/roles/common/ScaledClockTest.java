package dev.switchboard.roles.common;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scaled clock the workers' jobs read when {@code SCHEDULER_TIME_SCALE} is set. */
class ScaledClockTest {
    private static final Instant ORIGIN = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void withoutAScaleJobsReadTheWallClockItself() {
        Clock wall = Clock.systemUTC();
        assertSame(wall, ScaledClock.fromEnvironment(Map.of(), wall));
        assertSame(wall, ScaledClock.fromEnvironment(Map.of("SCHEDULER_TIME_SCALE", "1"), wall));
    }

    @Test
    void aScaleRunsTheClockFasterFromTheOriginLikeTheSchedulersClock() {
        Clock wall = Clock.fixed(ORIGIN.plusSeconds(90), ZoneOffset.UTC);
        Clock scaled = ScaledClock.fromEnvironment(Map.of("SCHEDULER_TIME_SCALE", "60",
                "SCHEDULER_TIME_ORIGIN", ORIGIN.toString()), wall);
        assertEquals(ORIGIN.plus(Duration.ofMinutes(90)), scaled.instant(), "90 real seconds are 90 minutes");
        assertEquals(60, ((ScaledClock) scaled).scale());
    }

    @Test
    void withoutAnOriginTheProcessStartIsOneForEveryRoleOfTheProcess() {
        Instant start = ScaledClock.processStart();
        assertEquals(start, ScaledClock.processStart());
        assertTrue(!start.isAfter(Instant.now()));
        Clock wall = Clock.fixed(start, ZoneOffset.UTC);
        assertEquals(start, ScaledClock.fromEnvironment(Map.of("SCHEDULER_TIME_SCALE", "3600"), wall).instant());
    }

    @Test
    void malformedValuesStopTheStartNamingTheVariable() {
        Clock wall = Clock.systemUTC();
        assertTrue(assertThrows(ConfigException.class, () -> ScaledClock.fromEnvironment(
                Map.of("SCHEDULER_TIME_SCALE", "fast"), wall)).getMessage().contains("SCHEDULER_TIME_SCALE"));
        assertTrue(assertThrows(ConfigException.class, () -> ScaledClock.fromEnvironment(
                Map.of("SCHEDULER_TIME_SCALE", "0"), wall)).getMessage().contains("SCHEDULER_TIME_SCALE"));
        assertTrue(assertThrows(ConfigException.class, () -> ScaledClock.fromEnvironment(
                Map.of("SCHEDULER_TIME_SCALE", "60", "SCHEDULER_TIME_ORIGIN", "yesterday"), wall)).getMessage()
                .contains("SCHEDULER_TIME_ORIGIN"));
    }
}
