package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job a worker holds a lease on. Every later transition presents {@link #leaseToken()}; a worker
 * whose lease was taken over can no longer settle the job (fencing).
 */
public record ClaimedJob(
        String id,
        String name,
        String queue,
        Map<String, Object> kwargs,
        String businessId,
        String traceId,
        Optional<String> runId,
        String leaseToken,
        int attempt,
        Duration timeout) {

    public ClaimedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(queue, "queue");
        kwargs = Map.copyOf(kwargs);
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(leaseToken, "leaseToken");
        Objects.requireNonNull(timeout, "timeout");
    }
}
