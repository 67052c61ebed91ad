package dev.switchboard.domain;

import dev.switchboard.ports.in.CancelRunUseCase;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BroadcastStatus;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Cancels a bulk run: first its jobs (queued ones removed, running ones asked to stop, which a
 * {@code broadcast_job} notices within {@link BroadcastJob#CANCEL_CHECK}), then, when the CRM
 * store is there, the broadcast of that run id: marked cancelled unless it already ended, and
 * {@code broadcast.finished} announced in the same step. Jobs first: if the store then fails, the
 * sending has stopped anyway and a repeat of the cancel marks the run. Enqueues only.
 */
public final class CancelRunService implements CancelRunUseCase {
    private final JobAdministration jobs;
    private final Optional<Broadcasts> broadcasts;

    private record Broadcasts(BroadcastRepository runs, WebhookEvents webhooks, JobQueue queue, Clock clock) {
    }

    /** Jobs only: an api without the CRM store has no broadcasts to mark. */
    public CancelRunService(JobAdministration jobs) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.broadcasts = Optional.empty();
    }

    public CancelRunService(JobAdministration jobs, BroadcastRepository runs, WebhookEndpointRepository endpoints,
                            JobQueue queue, Clock clock) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.broadcasts = Optional.of(new Broadcasts(Objects.requireNonNull(runs, "runs"),
                new WebhookEvents(endpoints, queue), queue, Objects.requireNonNull(clock, "clock")));
    }

    @Override
    public int cancel(String businessId, String runId, String traceId) {
        int canceled = jobs.cancelRun(businessId, runId);
        broadcasts.ifPresent(b -> {
            boolean open = b.runs().find(businessId, runId).map(run -> !run.status().isFinal()).orElse(false);
            if (open) {
                List<WebhookEndpoint> subscribed = b.webhooks().subscribed(businessId, BroadcastJob.FINISHED_EVENT);
                b.runs().end(businessId, runId, BroadcastStatus.CANCELLED, Optional.empty(),
                        ended -> BroadcastJob.finishedEvent(subscribed, ended, traceId, b.clock().instant())
                                .forEach(b.queue()::enqueue));
            }
        });
        return canceled;
    }
}
