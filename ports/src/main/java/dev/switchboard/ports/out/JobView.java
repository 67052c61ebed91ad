package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job as operators and apps see it.
 *
 * @param progress        0..100
 * @param result          the return value (JSON-shaped), for finished jobs that returned one
 * @param error           the last error text, for failed (or retried) jobs
 * @param attempts        how many times a worker claimed it
 */
public record JobView(
        String id,
        String name,
        String queue,
        JobStatus status,
        String businessId,
        String traceId,
        Optional<String> runId,
        Map<String, Object> kwargs,
        int progress,
        Optional<String> progressMessage,
        Optional<Object> result,
        Optional<String> error,
        Optional<Instant> createdAt,
        Optional<Instant> enqueuedAt,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        int attempts,
        int retriesLeft,
        Optional<String> workerName) {

    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        kwargs = Map.copyOf(kwargs);
    }
}
