package dev.switchboard.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleWindowTest {
    private static final Duration CATCH_UP = Duration.ofMinutes(10);
    private static final Instant NOW = Instant.parse("2026-11-22T22:41:15Z");

    @Test
    void windowResumesAtTheLastRecordedTick() {
        ScheduleWindow window = ScheduleWindow.of(Optional.of(Instant.parse("2026-11-22T22:39:40Z")), NOW, CATCH_UP);

        assertEquals(new ScheduleWindow(Instant.parse("2026-11-22T22:39:40Z"), NOW), window);
    }

    @Test
    void withoutARecordedTickNothingIsBackFilled() {
        ScheduleWindow window = ScheduleWindow.of(Optional.empty(), NOW, CATCH_UP);

        assertEquals(new ScheduleWindow(NOW, NOW), window, "no leader ever ran: nothing was missed");
        assertTrue(window.isEmpty());
        assertEquals(List.of(), window.dueSlots(PeriodicJobs.table(ZoneOffset.UTC)));
    }

    @Test
    void aTickOlderThanTheCatchUpWindowIsNotFollowedFurtherBack() {
        assertEquals(new ScheduleWindow(Instant.parse("2026-11-22T22:31:15Z"), NOW),
                ScheduleWindow.of(Optional.of(Instant.parse("2026-11-22T19:00:00Z")), NOW, CATCH_UP));
    }

    @Test
    void aTickAheadOfThisClockLeavesNothingDue() {
        ScheduleWindow window = ScheduleWindow.of(Optional.of(Instant.parse("2026-11-22T22:43:00Z")), NOW, CATCH_UP);

        assertTrue(window.isEmpty());
        assertEquals(List.of(), window.dueSlots(PeriodicJobs.table(ZoneOffset.UTC)));
    }

    @Test
    void afterAnOutageOnlyTheCatchUpWindowIsEnqueued() {
        List<Slot> due = ScheduleWindow.of(Optional.of(Instant.parse("2026-11-22T18:00:00Z")), NOW, CATCH_UP)
                .dueSlots(PeriodicJobs.table(ZoneOffset.UTC));

        assertEquals(List.of(
                "reminders_tick_job@2026-11-22T22:32Z", "reminders_tick_job@2026-11-22T22:33Z",
                "reminders_tick_job@2026-11-22T22:34Z", "reminders_tick_job@2026-11-22T22:35Z",
                "whatsapp_sessions_cleanup_job@2026-11-22T22:35Z", "gmail_sync_job@2026-11-22T22:35Z",
                "reminders_tick_job@2026-11-22T22:36Z", "reminders_tick_job@2026-11-22T22:37Z",
                "reminders_tick_job@2026-11-22T22:38Z", "reminders_tick_job@2026-11-22T22:39Z",
                "reminders_tick_job@2026-11-22T22:40Z",
                "whatsapp_sessions_cleanup_job@2026-11-22T22:40Z", "gmail_sync_job@2026-11-22T22:40Z",
                "warmup_agents_job@2026-11-22T22:40Z",
                "reminders_tick_job@2026-11-22T22:41Z"),
                due.stream().map(Slot::id).filter(id -> !id.startsWith("finalize_abandoned_calls_job")).toList(),
                "oldest first; equal starts in table order");
        assertEquals(10, due.stream().filter(s -> s.job().name().equals("finalize_abandoned_calls_job")).count(),
                "the sweep for calls of dead calls processes runs every minute too");
    }

    @Test
    void aWindowOverMidnightInTheBusinessZoneHoldsBothDailyJobs() {
        // 03:00 and 04:00 in Helsinki (EET) are 01:00Z and 02:00Z.
        List<String> due = new ScheduleWindow(Instant.parse("2026-11-22T00:59:00Z"), Instant.parse("2026-11-22T02:00:00Z"))
                .dueSlots(PeriodicJobs.table(ZoneId.of("Europe/Helsinki"))).stream()
                .map(Slot::id).filter(id -> !id.startsWith("reminders_tick") && !id.startsWith("whatsapp")
                        && !id.startsWith("gmail") && !id.startsWith("finalize_abandoned_calls")
                        && !id.startsWith("warmup_agents")).toList();

        assertEquals(List.of("reminders_cleanup_job@2026-11-22T01:00Z", "cleanup_old_recordings_job@2026-11-22T02:00Z"), due);
    }
}
