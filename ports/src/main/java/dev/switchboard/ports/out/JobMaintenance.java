package dev.switchboard.ports.out;

import java.util.List;

/**
 * Housekeeping every worker runs continuously. Safe to run from many workers at once: each
 * step is atomic, so a job is recovered or promoted exactly once. Deadlines are compared with
 * the store's clock.
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

    /**
     * All of it in one step, once a second: recover expired leases, promote due jobs, prune
     * registries, drop dead workers from the worker sets, and age out statistics.
     *
     * @return how many jobs were recovered, failed or promoted
     */
    default int maintain(List<String> queues, int maxLeaseExpiries) {
        int moved = recoverExpiredLeases(queues, maxLeaseExpiries) + promoteDueJobs(queues);
        pruneRegistries(queues);
        return moved;
    }
}
