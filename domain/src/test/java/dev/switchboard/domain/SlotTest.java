package dev.switchboard.domain;

import dev.switchboard.ports.out.JobRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlotTest {
    private static PeriodicJob job(String name) {
        return PeriodicJobs.table(ZoneOffset.UTC).stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void slotIdNamesTheJobAndTheStartInUtcToTheMinute() {
        Slot slot = new Slot(job("reminders_tick_job"), Instant.parse("2026-11-22T22:41:00Z"));

        assertEquals("reminders_tick_job@2026-11-22T22:41Z", slot.id());
        assertEquals("reminders_tick_job@2026-11-22T2241Z", slot.jobId());
    }

    @Test
    void slotIdIsInUtcWhateverTheBusinessZone() {
        PeriodicJob cleanup = PeriodicJobs.table(ZoneId.of("America/Sao_Paulo")).get(2);
        Instant start = cleanup.schedule().startsIn(Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z")).getFirst();

        assertEquals("reminders_cleanup_job@2026-11-22T06:00Z", new Slot(cleanup, start).id(),
                "03:00 in Sao Paulo (UTC-3) is 06:00 UTC");
    }

    @Test
    void jobIdHasNoColonAndIsAValidJobRequestId() {
        Slot slot = new Slot(job("whatsapp_sessions_cleanup_job"), Instant.parse("2027-01-01T00:00:00Z"));

        assertFalse(slot.jobId().contains(":"));
        JobRequest request = slot.request(Duration.ofMinutes(70));
        assertEquals(java.util.Optional.of("whatsapp_sessions_cleanup_job@2027-01-01T0000Z"), request.jobId());
    }

    @Test
    void requestCarriesTheSlotIdAsDedupeKeyAndTraceAndTheJobsQueueAndArguments() {
        Slot slot = new Slot(job("cleanup_old_recordings_job"), Instant.parse("2028-02-29T04:00:00Z"));

        JobRequest request = slot.request(Duration.ofMinutes(70));

        assertEquals("cleanup_old_recordings_job", request.name());
        assertEquals("maintenance", request.queue());
        assertEquals(Map.of("retention_days", 7), request.kwargs());
        assertEquals("cleanup_old_recordings_job@2028-02-29T04:00Z", request.dedupe().orElseThrow().key());
        assertEquals(Duration.ofMinutes(70), request.dedupe().orElseThrow().ttl());
        assertEquals("cleanup_old_recordings_job@2028-02-29T04:00Z", request.traceId());
        assertEquals(PeriodicJobs.SYSTEM_BUSINESS, request.businessId());
        assertEquals(3, request.retry().max());
    }

    @Test
    void aJobNameWithTheSeparatorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PeriodicJob("a@b", "default", Map.of(),
                Schedule.every(Duration.ofMinutes(1)), dev.switchboard.ports.out.RetryPolicy.NONE));
    }

    @Test
    void theTableHasThePeriodicJobsOnTheirQueues() {
        List<PeriodicJob> table = PeriodicJobs.table(ZoneId.of("Europe/Helsinki"));

        assertEquals(List.of("reminders_tick_job", "whatsapp_sessions_cleanup_job", "reminders_cleanup_job",
                "cleanup_old_recordings_job", "gmail_sync_job", "finalize_abandoned_calls_job", "warmup_agents_job"),
                table.stream().map(PeriodicJob::name).toList());
        assertEquals(List.of("default", "maintenance", "maintenance", "maintenance", "low", "maintenance", "low"),
                table.stream().map(PeriodicJob::queue).toList());
        assertEquals(Schedule.every(Duration.ofMinutes(1)), table.get(0).schedule());
        assertEquals(Schedule.every(Duration.ofMinutes(5)), table.get(1).schedule());
        assertEquals(Schedule.dailyAt(java.time.LocalTime.of(3, 0), ZoneId.of("Europe/Helsinki")), table.get(2).schedule());
        assertEquals(Schedule.dailyAt(java.time.LocalTime.of(4, 0), ZoneId.of("Europe/Helsinki")), table.get(3).schedule());
        assertEquals(Map.of("retention_days", 7), table.get(3).kwargs());
        assertEquals(Schedule.every(Duration.ofMinutes(5)), table.get(4).schedule());
        assertEquals(Map.of(), table.get(4).kwargs(), "no connection id: the fan-out to every mailbox");
        assertEquals(Schedule.every(Duration.ofMinutes(1)), table.get(5).schedule());
        assertEquals(Schedule.every(Duration.ofMinutes(10)), table.get(6).schedule());
        assertEquals(Map.of(), table.get(6).kwargs(), "every business that takes calls, found by the job");
    }
}
