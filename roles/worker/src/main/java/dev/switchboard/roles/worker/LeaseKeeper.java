package dev.switchboard.roles.worker;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobStoreUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The lease keeper, on thread {@code sb-lease-keeper}. Duties:
 * <ul>
 *   <li>every {@link JobRunner.Settings#heartbeatEvery()}, extend the leases of all attempts
 *       that hold one, in one call;</li>
 *   <li>record, per attempt, until when its lease is known to hold (the call's send time plus
 *       the lease), which the watchdog acts on when heartbeats stop getting through;</li>
 *   <li>pass on what the store says: a lost lease abandons the attempt, a cancel request
 *       interrupts it.</li>
 * </ul>
 * It never decides on time alone: a heartbeat call that hangs (a partition) only stops the
 * trusted time from moving on.
 */
final class LeaseKeeper implements Runnable {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());

    private final WorkerContext context;

    LeaseKeeper(WorkerContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        long every = context.settings().heartbeatEvery().toMillis();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                beat();
            } catch (JobStoreUnavailableException e) {
                LOG.fine(() -> "heartbeat: Redis unavailable: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "lease keeper error", e);
            }
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void beat() {
        List<JobAttempt> held = new ArrayList<>();
        for (JobAttempt attempt : context.attempts().all()) {
            if (attempt.state().holdsLease()) {
                held.add(attempt);
            }
        }
        if (held.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        Map<String, Heartbeat> beats = context.claims().heartbeat(held.stream().map(JobAttempt::job).toList(),
                context.settings().lease());
        for (JobAttempt attempt : held) {
            ClaimedJob job = attempt.job();
            switch (beats.getOrDefault(job.leaseToken(), Heartbeat.LEASE_LOST)) {
                case EXTENDED -> attempt.leaseExtended(sent);
                case CANCEL_REQUESTED -> {
                    attempt.leaseExtended(sent);
                    attempt.cancelRequested();
                }
                case LEASE_LOST -> {
                    // An attempt that is settling has left the started registry by its own call
                    // (the store answers "lost" for it) or will learn from that call that it lost
                    // its lease: the settling call decides. Abandoning it here would drop the job
                    // its call claimed next, leased but never run until the lease expired.
                    JobAttempt.State now = attempt.state();
                    if (now != JobAttempt.State.SETTLING && now != JobAttempt.State.SETTLED) {
                        attempt.abandon("lease lost: it expired and the job was taken over");
                    }
                }
            }
        }
    }
}
