package dev.switchboard.ports.out;

/** Operator and app actions on jobs, always within a {@link BusinessScope}. */
public interface JobAdministration {

    CancelOutcome cancel(BusinessScope scope, String jobId);

    /**
     * Cancels every job of a bulk run of one business: queued and scheduled ones are removed,
     * running ones are asked to stop. Jobs of other businesses are never touched, even with the
     * same run id.
     *
     * @return how many jobs were canceled or asked to stop
     */
    int cancelRun(String businessId, String runId);

    /** Puts a failed (or canceled) job back on its queue with its retry budget renewed. */
    boolean requeue(BusinessScope scope, String jobId);

    /** Requeues every failed job of a queue within {@code scope}; returns how many. */
    int requeueAllFailed(BusinessScope scope, String queue);
}
