package dev.switchboard.ports.in;

/**
 * Driving port: cancel a bulk run of one business. Its queued jobs are removed, its running jobs
 * asked to stop at their next cancellation point, and a broadcast with that run id is marked
 * cancelled.
 */
@FunctionalInterface
public interface CancelRunUseCase {

    /** @return how many jobs were canceled or asked to stop */
    int cancel(String businessId, String runId, String traceId);
}
