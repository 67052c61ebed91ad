package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's side of the queue: claim a job atomically, then settle it with the lease token.
 * Lease deadlines are measured on the store's clock, never the worker's.
 */
public interface JobClaims {

    /**
     * Takes up to {@code request.max()} jobs at once, each the first of the first non-empty queue
     * at that moment, each with its own lease token. Never blocks; empty when every queue is
     * empty. Idempotent per {@link ClaimRequest#claimId()}: a repeat returns the same jobs.
     */
    List<ClaimedJob> claim(ClaimRequest request);

    /** One job, under a fresh claim id. */
    default Optional<ClaimedJob> claim(String workerName, List<String> queues, Duration lease) {
        return claim(workerName, queues, lease, 1).stream().findFirst();
    }

    /** Up to {@code max} jobs, under a fresh claim id. */
    default List<ClaimedJob> claim(String workerName, List<String> queues, Duration lease, int max) {
        return claim(ClaimRequest.of(workerName, queues, lease, max));
    }

    /**
     * Blocks until a job may be waiting on one of the queues or {@code maxWait} passed. A wake-up
     * is a hint, not a promise: call {@link #claim} afterwards.
     */
    void awaitWork(List<String> queues, Duration maxWait);

    /**
     * Marks the job finished, keeping {@code result} (JSON-shaped, may be null), counts it in the
     * job statistics with its duration, and claims {@code next} (if given) in the same step.
     */
    Settled complete(ClaimedJob job, Object result, Duration took, Optional<ClaimRequest> next);

    /**
     * Records a failed attempt: the job is retried per its policy (and the failure's least
     * delay), or lands in the failed registry with the error when it has no retries left or the
     * failure is permanent; counts it in the job statistics, and claims {@code next} (if given).
     */
    Settled fail(ClaimedJob job, AttemptFailure failure, Duration took, Optional<ClaimRequest> next);

    /** Marks the job finished. */
    default Settlement complete(ClaimedJob job, Object result) {
        return complete(job, result, Duration.ZERO, Optional.empty()).settlement();
    }

    /** Records an ordinary failed attempt under the retry policy. */
    default Settlement fail(ClaimedJob job, String error, String stackTrace) {
        return fail(job, AttemptFailure.of(error, stackTrace), Duration.ZERO, Optional.empty()).settlement();
    }

    /** Puts a job whose attempt stopped without an outcome back at the front of its queue. */
    Settlement release(ClaimedJob job);

    /**
     * Extends the leases of all {@code jobs} by {@code lease} from now (the store's now) in one
     * step, and says for each (by lease token) whether it is still ours and whether a cancel was
     * requested.
     */
    Map<String, Heartbeat> heartbeat(List<ClaimedJob> jobs, Duration lease);

    /** Extends one lease. */
    default Heartbeat heartbeat(ClaimedJob job, Duration lease) {
        return heartbeat(List.of(job), lease).getOrDefault(job.leaseToken(), Heartbeat.LEASE_LOST);
    }

    /** Records progress (clamped to 0..100, never lower than before) and a message. */
    Settlement progress(ClaimedJob job, int percent, String message);

    /** Acknowledges a requested cancel: the job stopped and is marked canceled. */
    Settlement canceled(ClaimedJob job);

    /** Helper for implementations: an ordered map from lease token to heartbeat. */
    static Map<String, Heartbeat> byToken(List<ClaimedJob> jobs, List<Heartbeat> beats) {
        Map<String, Heartbeat> out = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            out.put(jobs.get(i).leaseToken(), beats.get(i));
        }
        return out;
    }
}
