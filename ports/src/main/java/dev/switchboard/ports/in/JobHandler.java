package dev.switchboard.ports.in;

/**
 * Driving port: run one attempt of a job. Handlers are idempotent: running a job twice leaves
 * the same state as running it once (execution is at-least-once).
 */
@FunctionalInterface
public interface JobHandler {

    /**
     * Runs the job.
     *
     * @return a JSON-shaped result (may be null), kept for the job's result TTL
     * @throws Exception any failure; the attempt counts as failed and the retry policy applies
     */
    Object run(JobExecution job) throws Exception;
}
