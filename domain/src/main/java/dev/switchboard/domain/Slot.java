package dev.switchboard.domain;

import dev.switchboard.ports.out.JobRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One occurrence of a periodic job: the job and the start of the slot it runs for.
 *
 * <p>Its {@link #id() id}, {@code reminders_tick_job@2026-11-22T22:41Z}, names the job and the
 * start in UTC to the minute; it is the occurrence's dedupe key, so every scheduler process,
 * whenever it runs, folds the same occurrence into one job. The job id is the same text without
 * colons ({@code reminders_tick_job@2026-11-22T2241Z}), because python-rq's tools split on ':'.
 */
public record Slot(PeriodicJob job, Instant start) {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter JOB_ID_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    public Slot {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(start, "start");
    }

    /** {@code <job name>@<start, UTC, to the minute>}: the dedupe key. */
    public String id() {
        return job.name() + "@" + ID_TIME.format(start);
    }

    /** {@link #id()} without colons: the deterministic job id in Redis. */
    public String jobId() {
        return job.name() + "@" + JOB_ID_TIME.format(start);
    }

    /**
     * The job to enqueue for this occurrence: deterministic id, the slot id as dedupe key held
     * for {@code dedupeTtl}, and the slot id as trace id, so the job's logs name its slot.
     */
    public JobRequest request(Duration dedupeTtl) {
        return JobRequest.of(job.name(), job.queue(), job.kwargs(), PeriodicJobs.SYSTEM_BUSINESS, id())
                .withJobId(jobId())
                .withDedupe(id(), dedupeTtl)
                .withRetry(job.retry());
    }
}
