package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One broadcast: a message for a fixed set of recipients, and how far it got.
 *
 * @param runId  the business's id of the run (the job's {@code run_id}: cancel by run); unique per business
 * @param total  how many recipients it has
 * @param sent   recipients the gateway took the message for
 * @param failed recipients the gateway refused (not on WhatsApp, ...)
 * @param jobId  the {@code broadcast_job} that sends it
 * @param error  why it failed, for a {@link BroadcastStatus#FAILED} run
 */
public record BroadcastRun(String businessId, String runId, String message, BroadcastStatus status, int total,
                           int sent, int failed, Optional<String> jobId, Optional<String> error, Instant createdAt,
                           Optional<Instant> startedAt, Optional<Instant> finishedAt) {

    public BroadcastRun {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        if (total < 0 || sent < 0 || failed < 0 || sent + failed > total) {
            throw new IllegalArgumentException("counts out of range: total " + total + ", sent " + sent
                    + ", failed " + failed);
        }
    }

    /** Recipients not yet sent to nor refused. */
    public int remaining() {
        return total - sent - failed;
    }

    /**
     * 0..100: the share of recipients done (sent or refused), rounded down, 100 only when none
     * remain. Counts only grow, so this never goes back.
     */
    public int progress() {
        if (total == 0) {
            return 100;
        }
        return (int) ((sent + failed) * 100L / total);
    }
}
