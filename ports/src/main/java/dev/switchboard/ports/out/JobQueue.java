package dev.switchboard.ports.out;

/**
 * Puts jobs on a queue. The write is atomic: either the whole job is queued (and, with a dedupe
 * key, the key is taken) or nothing is.
 */
public interface JobQueue {

    /**
     * Enqueues a job, or reports the existing job when the request's dedupe key or deterministic
     * job id is already taken.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached; nothing was written
     */
    EnqueueResult enqueue(JobRequest request);
}
