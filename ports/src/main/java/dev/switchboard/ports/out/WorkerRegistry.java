package dev.switchboard.ports.out;

import java.util.List;
import java.util.Optional;

/** Workers announce themselves where operators' tools ({@code rq info}) look. */
public interface WorkerRegistry {

    /** Registers a worker (birth). */
    void register(String workerName, List<String> queues, long pid, String hostname);

    /**
     * Refreshes the registration; {@code currentJob} empty means idle.
     *
     * @return false when the registration is gone (expired, or the store restarted): register again
     */
    boolean heartbeat(String workerName, Optional<String> currentJob);

    /**
     * Refreshes the registration with the worker's running totals (python-rq's
     * successful_job_count, failed_job_count, total_working_time), written as absolute values so
     * that a job's settlement needs no extra write: one call per second for all of it.
     *
     * @return false when the registration is gone: register again
     */
    default boolean heartbeat(String workerName, Optional<String> currentJob, long succeeded, long failed,
                              double workingSeconds) {
        return heartbeat(workerName, currentJob);
    }

    /** Counts one finished attempt ({@code succeeded} or failed) and its working time. */
    void recordOutcome(String workerName, boolean succeeded, double workingSeconds);

    /** Removes the worker (death). */
    void unregister(String workerName, List<String> queues);

    /**
     * The workers registered now, sorted by name (what {@code rq info} lists). A worker that died
     * without unregistering is listed until its registration expires.
     */
    List<RegisteredWorker> workers();
}
