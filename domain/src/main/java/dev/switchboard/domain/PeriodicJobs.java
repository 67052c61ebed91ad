package dev.switchboard.domain;

import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The periodic job table (docs/architecture.md, "The scheduler"). The two cleanups go to the
 * {@code maintenance} queue, where housekeeping cannot delay customer-facing work;
 * {@code reminders_tick_job} goes to {@code default}, because a reminder is customer-facing and
 * late by as long as it waits. {@code gmail_sync_job} goes to {@code low}: mail joining a
 * conversation a few minutes later harms nobody, and its per-mailbox syncs wait on Google.
 * {@code warmup_agents_job} goes to {@code low} too: it refreshes cached prompts whose TTL outlasts
 * three of its slots, so a late run costs nothing.
 */
public final class PeriodicJobs {

    /**
     * The business id of jobs that belong to no single business. Every job carries one (logs,
     * cancel-by-business); tenant ids never start with '_', so this one cannot be mistaken for one.
     */
    public static final String SYSTEM_BUSINESS = "_system";

    /** Days of call recordings {@code cleanup_old_recordings_job} keeps. */
    public static final int RECORDING_RETENTION_DAYS = 7;

    /**
     * A daily cleanup that fails would otherwise wait a whole day; a tick or a 5-minute cleanup
     * is simply done again by its next slot, so those are not retried.
     */
    static final RetryPolicy DAILY_RETRY = RetryPolicy.of(3,
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15));

    private PeriodicJobs() {
    }

    /**
     * The periodic jobs the scheduler enqueues: the {@link #table}, each checked against its job
     * type in the {@link JobCatalogue} (a periodic job the catalogue lacks, or scheduled on another
     * queue than its type's, is a bug that fails the scheduler's start).
     */
    public static List<PeriodicJob> runnable(ZoneId zone) {
        return table(zone).stream().peek(job -> {
            JobDefinition<?> definition = JobCatalogue.definition(job.name()).orElseThrow(() ->
                    new IllegalStateException(job.name() + " is scheduled but is not in the job catalogue"));
            if (!definition.queue().equals(job.queue())) {
                throw new IllegalStateException(job.name() + " is scheduled on " + job.queue()
                        + " but its job type says " + definition.queue());
            }
        }).toList();
    }

    /**
     * The whole table of the original system (plus {@code finalize_abandoned_calls_job}, the sweep
     * for calls whose calls process died, and {@code warmup_agents_job}, which the original ran on
     * demand), with daily times on the wall clock of {@code zone} ({@code SCHEDULER_ZONE}, the
     * business time zone). The minute-based jobs do not depend on the zone.
     */
    public static List<PeriodicJob> table(ZoneId zone) {
        return List.of(
                new PeriodicJob("reminders_tick_job", Queues.DEFAULT, Map.of(),
                        Schedule.every(Duration.ofMinutes(1)), RetryPolicy.NONE),
                new PeriodicJob("whatsapp_sessions_cleanup_job", Queues.MAINTENANCE, Map.of(),
                        Schedule.every(Duration.ofMinutes(5)), RetryPolicy.NONE),
                new PeriodicJob("reminders_cleanup_job", Queues.MAINTENANCE, Map.of(),
                        Schedule.dailyAt(LocalTime.of(3, 0), zone), DAILY_RETRY),
                new PeriodicJob("cleanup_old_recordings_job", Queues.MAINTENANCE,
                        Map.of("retention_days", RECORDING_RETENTION_DAYS),
                        Schedule.dailyAt(LocalTime.of(4, 0), zone), DAILY_RETRY),
                // One slot for all mailboxes: the job fans out into one sync per connected mailbox.
                new PeriodicJob("gmail_sync_job", Queues.LOW, Map.of(),
                        Schedule.every(Duration.ofMinutes(5)), RetryPolicy.NONE),
                new PeriodicJob("finalize_abandoned_calls_job", Queues.MAINTENANCE, Map.of(),
                        Schedule.every(Duration.ofMinutes(1)), RetryPolicy.NONE),
                new PeriodicJob("warmup_agents_job", Queues.LOW, Map.of(),
                        Schedule.every(Duration.ofMinutes(10)), RetryPolicy.NONE));
    }
}
