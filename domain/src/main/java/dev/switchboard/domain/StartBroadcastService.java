package dev.switchboard.domain;

import dev.switchboard.ports.in.BroadcastStarted;
import dev.switchboard.ports.in.InvalidCommandException;
import dev.switchboard.ports.in.StartBroadcastCommand;
import dev.switchboard.ports.in.StartBroadcastUseCase;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.NewBroadcast;

import java.util.Objects;
import java.util.UUID;

/**
 * Writes a broadcast run with its recipients and queues its one {@code broadcast_job}, in one
 * step: the run is committed only once its job is queued, so there is never a run nobody sends,
 * and a client that retries with the same run id gets the first run back. Enqueues only.
 */
public final class StartBroadcastService implements StartBroadcastUseCase {
    private final BroadcastRepository broadcasts;
    private final JobQueue queue;

    public StartBroadcastService(BroadcastRepository broadcasts, JobQueue queue) {
        this.broadcasts = Objects.requireNonNull(broadcasts, "broadcasts");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public BroadcastStarted start(StartBroadcastCommand command) {
        String runId = command.runId().orElseGet(() -> "bc-" + UUID.randomUUID());
        BroadcastRepository.Creation creation;
        try {
            creation = broadcasts.create(new NewBroadcast(command.businessId(), runId, command.message(),
                    command.audience(), StartBroadcastCommand.MAX_RECIPIENTS),
                    run -> queue.enqueue(BroadcastJob.request(run.businessId(), command.traceId(), run.runId())).jobId());
        } catch (BroadcastRepository.AudienceRejected e) {
            throw new InvalidCommandException(e.getMessage());
        }
        return new BroadcastStarted(creation.run().jobId().orElse(""), runId, !creation.created(), creation.run());
    }
}
