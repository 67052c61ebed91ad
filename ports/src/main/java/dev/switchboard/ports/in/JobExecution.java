package dev.switchboard.ports.in;

import dev.switchboard.ports.out.JobProgress;

import dev.switchboard.ports.out.ClaimedJob;

import java.util.Map;
import java.util.Objects;

/**
 * What a job handler is given to run one attempt of a job.
 *
 * @param progress where the job reports progress; also its cancellation point
 */
public record JobExecution(String jobId, String name, Map<String, Object> kwargs,
                           String businessId, String traceId, int attempt, JobProgress progress) {
    public JobExecution {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(name, "name");
        kwargs = Map.copyOf(kwargs);
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(progress, "progress");
    }

    public static JobExecution of(ClaimedJob job, JobProgress progress) {
        return new JobExecution(job.id(), job.name(), job.kwargs(), job.businessId(),
                job.traceId(), job.attempt(), progress);
    }
}
