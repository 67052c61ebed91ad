package dev.switchboard.ports.out;

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
}
