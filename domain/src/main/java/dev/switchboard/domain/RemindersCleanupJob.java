package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.ReminderRepository;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code reminders_cleanup_job} (periodic, daily at 03:00, queue {@code maintenance}): deletes
 * reminders due more than the retention ago ({@code REMINDER_RETENTION}, default 30 days), and
 * their push log with them. Idempotent: a rerun finds nothing left to delete.
 */
public final class RemindersCleanupJob implements JobHandler {

    public static final JobDefinition<JobDefinition.NoArgs> DEFINITION = JobDefinition.of("reminders_cleanup_job", Queues.MAINTENANCE,
            PeriodicJobs.DAILY_RETRY, Duration.ofMinutes(5), JobDefinition.NO_ARGS, RemindersCleanupJob::new);

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);



    private final ReminderRepository reminders;
    private final Duration retention;
    private final Clock clock;

    public RemindersCleanupJob(JobCollaborators c) {
        this.reminders = c.reminders();
        this.retention = c.reminderRetention();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        DEFINITION.argsOf(job);
        Instant cutoff = clock.instant().minus(retention);
        int deleted = reminders.deleteDueBefore(cutoff);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deleted", deleted);
        result.put("due_before", cutoff.toString());
        return result;
    }
}
