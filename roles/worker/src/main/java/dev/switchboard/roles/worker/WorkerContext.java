package dev.switchboard.roles.worker;

import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.ClaimRequest;
import dev.switchboard.ports.out.JobClaims;

import java.util.Optional;

/** What the worker's actors share: settings, the claims port, the handlers and the running attempts. */
record WorkerContext(JobRunner.Settings settings, JobClaims claims, JobHandlers handlers, RunningAttempts attempts) {

    /** The claim a settling attempt makes for the slot it frees; none once the worker is stopping. */
    Optional<ClaimRequest> nextClaim() {
        if (attempts.stopping()) {
            return Optional.empty();
        }
        return Optional.of(ClaimRequest.of(settings.workerName(), settings.queues(), settings.lease(), 1));
    }
}
