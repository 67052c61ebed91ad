package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A job to enqueue. Arguments are JSON-shaped values only (String, Number, Boolean, null,
 * {@code List} and {@code Map<String, ?>} of those), because they are stored in python-rq's JSON
 * serializer format.
 *
 * @param name        the job name, e.g. {@code webhook_process_job}
 * @param queue       the queue name, e.g. {@code default}
 * @param kwargs      keyword arguments of the job
 * @param businessId  the business (tenant) the job belongs to; every job has one
 * @param traceId     the trace id of the request that caused the job
 * @param jobId       a deterministic job id, or empty for a random one
 * @param dedupe      the dedupe key and how long it holds, or empty for no dedupe
 * @param runId       the bulk run this job belongs to (cancel-by-run), or empty
 * @param timeout     how long one attempt may run
 * @param retry       the retry policy
 * @param resultTtl   how long a finished job is kept
 * @param failureTtl  how long a failed job is kept
 */
public record JobRequest(
        String name,
        String queue,
        Map<String, Object> kwargs,
        String businessId,
        String traceId,
        Optional<String> jobId,
        Optional<Dedupe> dedupe,
        Optional<String> runId,
        Duration timeout,
        RetryPolicy retry,
        Duration resultTtl,
        Duration failureTtl) {

    /** Job ids must be usable inside Redis keys and python-rq ids: no colon, no whitespace. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@=+-]{1,200}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
    public static final Duration DEFAULT_RESULT_TTL = Duration.ofSeconds(500);
    public static final Duration DEFAULT_FAILURE_TTL = Duration.ofDays(7);

    /** A dedupe key and how long the key (and so the dedupe) lasts. */
    public record Dedupe(String key, Duration ttl) {
        public Dedupe {
            Objects.requireNonNull(key, "dedupe key");
            if (key.isBlank() || key.length() > 512) {
                throw new IllegalArgumentException("dedupe key must be 1..512 characters");
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("dedupe ttl must be positive");
            }
        }
    }

    public JobRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(queue, "queue");
        kwargs = Map.copyOf(Objects.requireNonNull(kwargs, "kwargs"));
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(dedupe, "dedupe");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(resultTtl, "resultTtl");
        Objects.requireNonNull(failureTtl, "failureTtl");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name must be snake_case, was '" + name + "'");
        }
        if (!ID.matcher(queue).matches()) {
            throw new IllegalArgumentException("invalid queue name '" + queue + "'");
        }
        if (businessId.isBlank()) {
            throw new IllegalArgumentException("every job needs a business id");
        }
        jobId.ifPresent(id -> {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("invalid job id '" + id + "'");
            }
        });
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** A job with default timeout, no retries, default TTLs, a random id and no dedupe. */
    public static JobRequest of(String name, String queue, Map<String, Object> kwargs,
                                String businessId, String traceId) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, Optional.empty(),
                Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, RetryPolicy.NONE,
                DEFAULT_RESULT_TTL, DEFAULT_FAILURE_TTL);
    }

    public JobRequest withJobId(String id) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, Optional.of(id), dedupe,
                runId, timeout, retry, resultTtl, failureTtl);
    }

    public JobRequest withDedupe(String key, Duration ttl) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, jobId,
                Optional.of(new Dedupe(key, ttl)), runId, timeout, retry, resultTtl, failureTtl);
    }

    public JobRequest withRunId(String run) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, jobId, dedupe,
                Optional.of(run), timeout, retry, resultTtl, failureTtl);
    }

    public JobRequest withTimeout(Duration value) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, jobId, dedupe, runId,
                value, retry, resultTtl, failureTtl);
    }

    public JobRequest withRetry(RetryPolicy value) {
        return new JobRequest(name, queue, kwargs, businessId, traceId, jobId, dedupe, runId,
                timeout, value, resultTtl, failureTtl);
    }
}
