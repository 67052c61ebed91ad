package dev.switchboard.roles.scheduler;

import dev.switchboard.roles.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerSettingsTest {

    @Test
    void defaultsAreTick15sLease45sCatchUp10MinutesUtcRealTime() {
        SchedulerSettings settings = SchedulerSettings.fromEnvironment(Map.of());

        assertEquals(SchedulerSettings.defaults(), settings);
        assertEquals(Duration.ofSeconds(15), settings.tick());
        assertEquals(Duration.ofSeconds(45), settings.leaseTtl());
        assertEquals(Duration.ofMinutes(10), settings.catchUp());
        assertEquals(ZoneOffset.UTC, settings.zone());
        assertEquals(1, settings.timeScale());
    }

    @Test
    void smallDurationsAreAcceptedSoTestsRunFast() {
        SchedulerSettings settings = SchedulerSettings.fromEnvironment(Map.of("SCHEDULER_TICK", "200ms",
                "SCHEDULER_LEASE_TTL", "1s", "SCHEDULER_CATCHUP", "2m", "SCHEDULER_ZONE", "America/Sao_Paulo"));

        assertEquals(Duration.ofMillis(200), settings.tick());
        assertEquals(Duration.ofSeconds(1), settings.leaseTtl());
        assertEquals(Duration.ofMinutes(2), settings.catchUp());
        assertEquals(ZoneId.of("America/Sao_Paulo"), settings.zone());
    }

    @Test
    void everyMalformedSettingIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(Map.of(
                "SCHEDULER_TICK", "often", "SCHEDULER_ZONE", "Mars/Olympus_Mons", "SCHEDULER_TIME_SCALE", "0",
                "SCHEDULER_TIME_ORIGIN", "yesterday")));

        assertTrue(e.getMessage().contains("SCHEDULER_TICK must be a duration like 200ms"), e.getMessage());
        assertTrue(e.getMessage().contains("SCHEDULER_ZONE must be a time zone id"), e.getMessage());
        assertTrue(e.getMessage().contains("SCHEDULER_TIME_SCALE must be a whole number from 1"), e.getMessage());
        assertTrue(e.getMessage().contains("SCHEDULER_TIME_ORIGIN must be an ISO-8601 instant"), e.getMessage());
    }

    @Test
    void aLeaseNoLongerThanTheTickIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(
                Map.of("SCHEDULER_TICK", "15s", "SCHEDULER_LEASE_TTL", "15s")));

        assertTrue(e.getMessage().contains("SCHEDULER_LEASE_TTL (15000 ms) must be longer than SCHEDULER_TICK (15000 ms)"),
                e.getMessage());
    }

    @Test
    void aCatchUpWindowShorterThanATakeoverIsRefused() {
        ConfigException real = assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(
                Map.of("SCHEDULER_CATCHUP", "30s")));
        ConfigException scaled = assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(
                Map.of("SCHEDULER_TIME_SCALE", "60", "SCHEDULER_CATCHUP", "30m", "SCHEDULER_TICK", "5s",
                        "SCHEDULER_LEASE_TTL", "30s")));

        assertTrue(real.getMessage().contains("SCHEDULER_CATCHUP (30000 ms of schedule time) must be longer than a takeover"
                + " after a crash, SCHEDULER_LEASE_TTL + SCHEDULER_TICK (60000 ms)"), real.getMessage());
        assertTrue(scaled.getMessage().contains("times SCHEDULER_TIME_SCALE (2100000 ms)"), scaled.getMessage());
        assertEquals(Duration.ofMinutes(36), SchedulerSettings.fromEnvironment(Map.of("SCHEDULER_TIME_SCALE", "60",
                "SCHEDULER_CATCHUP", "36m", "SCHEDULER_TICK", "5s", "SCHEDULER_LEASE_TTL", "30s")).catchUp());
    }

    @Test
    void zeroDurationsAreRefused() {
        assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(Map.of("SCHEDULER_CATCHUP", "0")));
        assertThrows(ConfigException.class, () -> SchedulerSettings.fromEnvironment(Map.of("SCHEDULER_TICK", "0ms")));
    }

    @Test
    void realTimeUsesTheWallClockItself() {
        Clock wall = Clock.systemUTC();

        assertSame(wall, SchedulerSettings.defaults().scheduleClock(wall));
    }

    @Test
    void scaledClockRunsFasterFromItsOriginWhereItReadsTheWallClock() {
        Instant origin = Instant.parse("2026-11-22T22:00:00Z");
        SchedulerSettings settings = SchedulerSettings.fromEnvironment(Map.of("SCHEDULER_TIME_SCALE", "3600",
                "SCHEDULER_TIME_ORIGIN", origin.toString(), "SCHEDULER_CATCHUP", "72h"));
        MutableClock wall = new MutableClock(origin);
        Clock schedule = settings.scheduleClock(wall);

        assertEquals(Optional.of(origin), settings.timeOrigin());
        assertEquals(origin, schedule.instant());
        wall.advance(Duration.ofSeconds(1));
        assertEquals(Instant.parse("2026-11-22T23:00:00Z"), schedule.instant(), "one second is an hour");
        wall.advance(Duration.ofMillis(500));
        assertEquals(Instant.parse("2026-11-22T23:30:00Z"), schedule.instant());
    }

    @Test
    void twoProcessesWithTheSameOriginAgreeOnTheSchedulesTime() {
        Instant origin = Instant.parse("2026-11-22T22:00:00Z");
        Map<String, String> env = Map.of("SCHEDULER_TIME_SCALE", "60", "SCHEDULER_TIME_ORIGIN", origin.toString(),
                "SCHEDULER_CATCHUP", "2h");
        MutableClock wall = new MutableClock(origin.plusSeconds(7));

        assertEquals(SchedulerSettings.fromEnvironment(env).scheduleClock(wall).instant(),
                SchedulerSettings.fromEnvironment(env).scheduleClock(wall).instant());
        assertEquals(origin.plus(Duration.ofMinutes(7)), SchedulerSettings.fromEnvironment(env).scheduleClock(wall).instant());
    }
}
