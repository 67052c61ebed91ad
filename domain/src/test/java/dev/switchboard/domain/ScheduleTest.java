package dev.switchboard.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slot starts of the two kinds of schedule. Expected instants are written out by hand (not
 * computed with java.time), so these tests check the rules, not java.time against itself.
 */
class ScheduleTest {
    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    private static List<Instant> instants(String... utc) {
        return java.util.Arrays.stream(utc).map(Instant::parse).toList();
    }

    @Test
    void everyMinuteYieldsTheMinutesAfterTheStartUpToAndIncludingTheEnd() {
        Schedule minute = Schedule.every(Duration.ofMinutes(1));

        assertEquals(instants("2026-11-22T22:41:00Z", "2026-11-22T22:42:00Z", "2026-11-22T22:43:00Z"),
                minute.startsIn(at("2026-11-22T22:40:00Z"), at("2026-11-22T22:43:00Z")));
        assertEquals(instants("2026-11-22T22:41:00Z"),
                minute.startsIn(at("2026-11-22T22:40:00.001Z"), at("2026-11-22T22:41:59.999Z")));
        assertEquals(List.of(), minute.startsIn(at("2026-11-22T22:41:00Z"), at("2026-11-22T22:41:59Z")));
    }

    @Test
    void emptyOrBackwardWindowsHaveNoSlots() {
        assertEquals(List.of(), Schedule.every(Duration.ofMinutes(1))
                .startsIn(at("2026-11-22T22:45:00Z"), at("2026-11-22T22:40:00Z")));
        assertEquals(List.of(), Schedule.dailyAt(LocalTime.of(3, 0), ZoneOffset.UTC)
                .startsIn(at("2026-11-25T00:00:00Z"), at("2026-11-20T00:00:00Z")));
    }

    @Test
    void everyFiveMinutesIsAlignedToTheClockNotToTheWindow() {
        assertEquals(instants("2026-11-22T22:45:00Z", "2026-11-22T22:50:00Z"),
                Schedule.every(Duration.ofMinutes(5))
                        .startsIn(at("2026-11-22T22:41:37Z"), at("2026-11-22T22:53:00Z")));
    }

    @Test
    void minuteSlotsCrossMonthAndYearEnds() {
        assertEquals(instants("2026-01-31T23:55:00Z", "2026-02-01T00:00:00Z", "2026-02-01T00:05:00Z"),
                Schedule.every(Duration.ofMinutes(5)).startsIn(at("2026-01-31T23:50:00Z"), at("2026-02-01T00:05:00Z")));
        assertEquals(instants("2026-04-30T23:59:00Z", "2026-05-01T00:00:00Z"),
                Schedule.every(Duration.ofMinutes(1)).startsIn(at("2026-04-30T23:58:30Z"), at("2026-05-01T00:00:30Z")));
        assertEquals(instants("2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z"),
                Schedule.every(Duration.ofMinutes(1)).startsIn(at("2026-12-31T23:58:00Z"), at("2027-01-01T00:00:00Z")));
    }

    @Test
    void dailySlotsCrossMonthEndsOfEveryLength() {
        Schedule daily = Schedule.dailyAt(LocalTime.of(3, 0), ZoneOffset.UTC);

        assertEquals(instants("2026-04-30T03:00:00Z", "2026-05-01T03:00:00Z"),
                daily.startsIn(at("2026-04-29T12:00:00Z"), at("2026-05-01T12:00:00Z")));
        assertEquals(instants("2026-01-31T03:00:00Z", "2026-02-01T03:00:00Z"),
                daily.startsIn(at("2026-01-30T12:00:00Z"), at("2026-02-01T12:00:00Z")));
        assertEquals(instants("2026-02-28T03:00:00Z", "2026-03-01T03:00:00Z"),
                daily.startsIn(at("2026-02-27T12:00:00Z"), at("2026-03-01T12:00:00Z")),
                "2026 is not a leap year: February ends on the 28th");
    }

    @Test
    void leapDayHasItsDailySlotAndItsMinutes() {
        Schedule daily = Schedule.dailyAt(LocalTime.of(4, 0), ZoneOffset.UTC);

        assertEquals(instants("2028-02-28T04:00:00Z", "2028-02-29T04:00:00Z", "2028-03-01T04:00:00Z"),
                daily.startsIn(at("2028-02-27T12:00:00Z"), at("2028-03-01T12:00:00Z")));
        assertEquals(instants("2028-02-29T23:59:00Z", "2028-03-01T00:00:00Z"),
                Schedule.every(Duration.ofMinutes(1)).startsIn(at("2028-02-29T23:58:00Z"), at("2028-03-01T00:00:00Z")));
        assertEquals(1440, Schedule.every(Duration.ofMinutes(1))
                .startsIn(at("2028-02-29T00:00:00Z"), at("2028-03-01T00:00:00Z")).size(), "a leap day has 1440 minutes");
    }

    @Test
    void centuryYearsThatAreNotLeapYearsHaveNoFebruary29() {
        assertEquals(instants("2100-02-28T03:00:00Z", "2100-03-01T03:00:00Z"),
                Schedule.dailyAt(LocalTime.of(3, 0), ZoneOffset.UTC)
                        .startsIn(at("2100-02-27T12:00:00Z"), at("2100-03-01T12:00:00Z")));
    }

    @Test
    void dailyTimeIsOnTheZonesWallClock() {
        // Asia/Kolkata is UTC+05:30 all year: 03:00 there is 21:30 UTC the day before.
        assertEquals(instants("2026-11-21T21:30:00Z", "2026-11-22T21:30:00Z"),
                Schedule.dailyAt(LocalTime.of(3, 0), ZoneId.of("Asia/Kolkata"))
                        .startsIn(at("2026-11-21T00:00:00Z"), at("2026-11-23T00:00:00Z")));
    }

    /*
     * Europe/Helsinki (EET, UTC+2; EEST, UTC+3 in summer) moves its clocks at 01:00 UTC, which is
     * 03:00 local in spring and 04:00 summer time in autumn. So the table's 03:00 job falls in the
     * spring gap (03:00-03:59 does not exist) and in the autumn overlap (03:00-03:59 happens twice):
     * the zone exercises both DST rules with the real table times.
     */

    @Test
    void skippedLocalTimeRunsOnceAtTheShiftedInstant() {
        // 2026-03-29: 03:00 EET jumps to 04:00 EEST. 03:00 is shifted by the gap to 04:00 EEST = 01:00Z.
        Schedule threeAm = Schedule.dailyAt(LocalTime.of(3, 0), HELSINKI);

        assertEquals(instants("2026-03-28T01:00:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"),
                threeAm.startsIn(at("2026-03-27T12:00:00Z"), at("2026-03-30T12:00:00Z")),
                "one run per local date: 03:00 EET, then the shifted 04:00 EEST, then 03:00 EEST");
    }

    @Test
    void repeatedLocalTimeRunsOnceAtItsFirstOccurrence() {
        // 2026-10-25: 04:00 EEST falls back to 03:00 EET; 03:00 local is both 00:00Z and 01:00Z.
        Schedule threeAm = Schedule.dailyAt(LocalTime.of(3, 0), HELSINKI);

        assertEquals(instants("2026-10-24T00:00:00Z", "2026-10-25T00:00:00Z", "2026-10-26T01:00:00Z"),
                threeAm.startsIn(at("2026-10-23T12:00:00Z"), at("2026-10-26T12:00:00Z")),
                "the repeated 03:00 runs at its first (summer time) occurrence only");
        assertEquals(List.of(), threeAm.startsIn(at("2026-10-25T00:00:00Z"), at("2026-10-25T23:00:00Z")),
                "the second 03:00 (01:00Z) is not a slot");
    }

    @Test
    void timesNextToTheDstChangeAreNotDisturbed() {
        // 04:00 local exists once on both change days: 04:00 EEST = 01:00Z in spring (the first
        // instant after the gap, the same instant as the shifted 03:00), 04:00 EET = 02:00Z in autumn.
        Schedule fourAm = Schedule.dailyAt(LocalTime.of(4, 0), HELSINKI);

        assertEquals(instants("2026-03-29T01:00:00Z"),
                fourAm.startsIn(at("2026-03-28T12:00:00Z"), at("2026-03-29T12:00:00Z")));
        assertEquals(instants("2026-10-25T02:00:00Z"),
                fourAm.startsIn(at("2026-10-24T12:00:00Z"), at("2026-10-25T12:00:00Z")));
    }

    @Test
    void berlinGapAndOverlapFollowTheSameRules() {
        // Berlin changes at 02:00 local: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
        Schedule half = Schedule.dailyAt(LocalTime.of(2, 30), BERLIN);

        assertEquals(instants("2026-03-29T01:30:00Z"),
                half.startsIn(at("2026-03-28T12:00:00Z"), at("2026-03-29T12:00:00Z")),
                "02:30 does not exist; it runs once at 03:30 CEST");
        assertEquals(instants("2026-10-25T00:30:00Z"),
                half.startsIn(at("2026-10-24T12:00:00Z"), at("2026-10-25T12:00:00Z")),
                "02:30 happens twice; it runs once, at 02:30 CEST");
    }

    @Test
    void aSkippedDateRunsOnce() {
        // Pacific/Apia went from UTC-10 to UTC+14 and skipped 2011-12-30 entirely.
        assertEquals(instants("2011-12-29T13:00:00Z", "2011-12-30T13:00:00Z", "2011-12-31T13:00:00Z"),
                Schedule.dailyAt(LocalTime.of(3, 0), ZoneId.of("Pacific/Apia"))
                        .startsIn(at("2011-12-29T00:00:00Z"), at("2012-01-01T00:00:00Z")),
                "29th 03:00 (-10), 31st 03:00 (+14) once, 1st 03:00 (+14)");
    }

    @Test
    void slotStartsMustBeWholeMinutes() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ofSeconds(90)));
        assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Schedule.dailyAt(LocalTime.of(3, 0, 30), ZoneOffset.UTC));
        assertTrue(Schedule.every(Duration.ofHours(1)).startsIn(at("2026-11-22T00:00:00Z"),
                at("2026-11-22T03:00:00Z")).contains(at("2026-11-22T03:00:00Z")));
    }
}
