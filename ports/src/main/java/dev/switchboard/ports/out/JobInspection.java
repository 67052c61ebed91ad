package dev.switchboard.ports.out;

import java.util.List;
import java.util.Optional;

/** Read-only views of jobs and queues, for the job API, health and the dashboard. */
public interface JobInspection {

    /** The job, if it exists and is within {@code scope}. */
    Optional<JobView> find(BusinessScope scope, String jobId);

    /**
     * Jobs of one state ({@code QUEUED}, {@code STARTED}, {@code SCHEDULED}, {@code FAILED},
     * {@code FINISHED}, {@code CANCELED}) of one queue, oldest first, within {@code scope}.
     */
    JobPage list(BusinessScope scope, JobStatus state, String queue, int offset, int limit);

    List<QueueStats> stats(List<String> queues);

    /**
     * Every queue the store knows, i.e. that ever had a job (python-rq's {@code rq:queues}, the
     * list {@code rq info} shows), sorted by name.
     */
    List<String> knownQueues();
}
