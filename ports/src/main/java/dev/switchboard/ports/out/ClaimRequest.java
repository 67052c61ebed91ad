package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a worker asks for when it claims jobs. {@code claimId} makes the claim idempotent: sending
 * the same request again (a retry after a lost reply, or a client library's resend after a
 * reconnect) returns the jobs the first one took, still leased, instead of taking more.
 *
 * @param claimId    unique per claim attempt; reuse it only to repeat that claim
 * @param workerName the claiming worker (python-rq's worker_name)
 * @param queues     queues in priority order
 * @param lease      how long the lease lasts without a heartbeat, measured on the store's clock
 * @param max        most jobs to take
 */
public record ClaimRequest(String claimId, String workerName, List<String> queues, Duration lease, int max) {
    public ClaimRequest {
        Objects.requireNonNull(claimId, "claimId");
        Objects.requireNonNull(workerName, "workerName");
        queues = List.copyOf(queues);
        Objects.requireNonNull(lease, "lease");
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0");
        }
    }

    /** A new claim (fresh claim id). */
    public static ClaimRequest of(String workerName, List<String> queues, Duration lease, int max) {
        return new ClaimRequest(UUID.randomUUID().toString(), workerName, queues, lease, max);
    }
}
