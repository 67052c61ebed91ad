package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The worker's side of the queue: claim a job atomically, then settle it with the lease token.
 */
public interface JobClaims {

    /**
     * Takes the first job of the first non-empty queue, in the order given, and records it as
     * started with a lease of {@code lease}, in one atomic step. Never blocks.
     */
    default Optional<ClaimedJob> claim(String workerName, List<String> queues, Duration lease) {
        return claim(workerName, queues, lease, 1).stream().findFirst();
    }

    /**
     * Takes up to {@code max} jobs at once, each the first of the first non-empty queue at that
     * moment, each with its own lease token. Never blocks; empty when every queue is empty.
     */
    List<ClaimedJob> claim(String workerName, List<String> queues, Duration lease, int max);

    /**
     * Blocks until a job may be waiting on one of the queues or {@code maxWait} passed. A wake-up
     * is a hint, not a promise: call {@link #claim} afterwards.
     */
    void awaitWork(List<String> queues, Duration maxWait);

    /** Marks the job finished, keeping {@code result} (JSON-shaped, may be null). */
    Settlement complete(ClaimedJob job, Object result);

    /**
     * Records a failed attempt: the job is retried per its policy, or lands in the failed
     * registry with the error and stack trace when it has no retries left.
     */
    Settlement fail(ClaimedJob job, String error, String stackTrace);

    /** Puts a job that was claimed but not run to completion back at the front of its queue. */
    Settlement release(ClaimedJob job);

    /** Extends the lease by {@code lease} from now, and says whether a cancel was requested. */
    Heartbeat heartbeat(ClaimedJob job, java.time.Duration lease);

    /** Records progress (clamped to 0..100, never lower than before) and a message. */
    Settlement progress(ClaimedJob job, int percent, String message);

    /** Acknowledges a requested cancel: the job stopped and is marked canceled. */
    Settlement canceled(ClaimedJob job);
}
