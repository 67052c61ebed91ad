package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What operators' read-outs show ({@code /metrics}, {@code /api/jobs/health}, the dashboard): the
 * queues' counts, the scheduler, per-job-name attempt statistics and the workers, as one reading
 * of the store. Read-only; one call is one round trip, so callers cache it rather than read
 * pieces of it.
 */
public interface JobsOverview {

    /**
     * Reads the overview of {@code queues}, with the statistics of every job name that has
     * settled an attempt.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    Overview read(List<String> queues);

    /**
     * One reading.
     *
     * @param at          when it was read (the reader's clock)
     * @param queues      counts per queue, in the order asked
     * @param scheduler   the scheduler's tick and lease
     * @param jobs        attempt statistics per job name, of every name that settled an attempt
     * @param workerCount registered workers (the set's size; {@code workers} may list fewer)
     * @param workers     registered workers that are alive, each once
     */
    record Overview(Instant at, List<QueueStats> queues, SchedulerStatus.Snapshot scheduler,
                    Map<String, JobStatistics.JobTypeStats> jobs, long workerCount, List<Worker> workers) {
        public Overview {
            Objects.requireNonNull(at, "at");
            queues = List.copyOf(queues);
            Objects.requireNonNull(scheduler, "scheduler");
            jobs = Map.copyOf(jobs);
            workers = List.copyOf(workers);
        }
    }

    /**
     * A worker as python-rq's registry describes it, with the job it runs now.
     *
     * @param name          worker name ({@code rq:worker:<name>})
     * @param host          host name it runs on
     * @param queues        queues it serves, in priority order
     * @param busy          true while it runs a job
     * @param currentJob    the job it runs now, if any
     * @param since         when that job started, or when the worker started if idle
     * @param lastHeartbeat its last heartbeat
     */
    record Worker(String name, String host, List<String> queues, boolean busy, Optional<CurrentJob> currentJob,
                  Optional<Instant> since, Optional<Instant> lastHeartbeat, long succeeded, long failed) {
        public Worker {
            queues = List.copyOf(queues);
        }
    }

    /** The job a worker runs: its id, name and business (for scoping what a token may see). */
    record CurrentJob(String id, String name, String businessId) {
    }
}
