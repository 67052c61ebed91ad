package dev.switchboard.ports.out;

/**
 * How a running job reports progress, and where it learns that it was cancelled. Only the job's
 * own worker writes progress (one writer, so a progress bar never flickers or goes back).
 */
@FunctionalInterface
public interface JobProgress {

    /** Reports nothing; for jobs run outside a worker (tests, tools). */
    JobProgress NONE = (percent, message) -> { };

    /**
     * Records {@code percent} (0..100, never lower than before) and a short message.
     *
     * @throws JobCancelledException when the job was cancelled: stop and let it propagate
     */
    void report(int percent, String message);
}
