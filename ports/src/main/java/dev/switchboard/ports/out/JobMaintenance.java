package dev.switchboard.ports.out;

import java.util.List;

/**
 * Housekeeping every worker runs continuously. Safe to run from many workers at once: each
 * step is atomic, so a job is recovered or promoted exactly once.
 */
public interface JobMaintenance {

    /**
     * Requeues (at the front) jobs whose lease expired: their worker died or stalled. A job whose
     * lease expired {@code maxLeaseExpiries} times is failed instead: it keeps killing workers.
     *
     * @return how many jobs were recovered or failed
     */
    int recoverExpiredLeases(List<String> queues, int maxLeaseExpiries);

    /** Moves scheduled jobs (retries with a delay) that are due onto their queues. */
    int promoteDueJobs(List<String> queues);

    /** Drops finished, failed and canceled registry entries past their retention (bounded memory). */
    int pruneRegistries(List<String> queues);
}
