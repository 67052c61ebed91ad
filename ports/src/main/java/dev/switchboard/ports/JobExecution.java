package dev.switchboard.ports;

import java.util.Map;
import java.util.Objects;

/** What a job handler is given to run one attempt of a job. */
public record JobExecution(String jobId, String name, Map<String, Object> kwargs,
                           String businessId, String traceId, int attempt) {
    public JobExecution {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(name, "name");
        kwargs = Map.copyOf(kwargs);
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
    }

    public static JobExecution of(ClaimedJob job) {
        return new JobExecution(job.id(), job.name(), job.kwargs(), job.businessId(),
                job.traceId(), job.attempt());
    }
}
