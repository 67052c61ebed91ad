package dev.switchboard.ports.out;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts jobs on a queue. The write is atomic: either the whole job is queued (and, with a dedupe
 * key, the key is taken) or nothing is.
 */
public interface JobQueue {

    /**
     * Enqueues a job, or reports the existing job when the request's dedupe key or deterministic
     * job id is already taken. A request with a dedupe key and no job id gets a deterministic
     * id derived from the key with a server secret, so retries map to one job and nobody can
     * compute another business's job ids from keys they can guess.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached; nothing was written
     */
    EnqueueResult enqueue(JobRequest request);

    /**
     * Enqueues a chunk of jobs (any queues, each with its own dedupe key and id) in one round
     * trip, each exactly as {@link #enqueue} would; results in request order. A broadcast to
     * thousands of leads sends chunks of about a thousand.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached; the chunk may be
     *     partly written, and repeating it is safe when its jobs have ids or dedupe keys
     */
    default List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
        List<EnqueueResult> results = new ArrayList<>(requests.size());
        for (JobRequest request : requests) {
            results.add(enqueue(request));
        }
        return results;
    }

    /**
     * The id of the job that holds {@code dedupeKey}, while the key is held (its TTL from the
     * enqueue that took it): how a job that pays for its work (an AI answer) and then enqueues
     * under that key finds, on a rerun, that an earlier attempt got that far, and skips the work.
     * Empty when no job holds it. The default cannot tell and says empty: the caller does the work
     * again, and the enqueue's dedupe still keeps it to one job.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    default Optional<String> dedupeHolder(String dedupeKey) {
        return Optional.empty();
    }
}
