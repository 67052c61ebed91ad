package dev.switchboard.domain;

import dev.switchboard.ports.in.BroadcastStarted;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.in.StartBroadcastCommand;
import dev.switchboard.ports.in.StartBroadcastUseCase;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Queues one {@code broadcast_job} on the {@code broadcasts} queue for a run; the job reports its
 * progress as it sends. A run id can be started once: a repeated request is a duplicate.
 */
public final class StartBroadcastService implements StartBroadcastUseCase {
    /** A broadcast to thousands of recipients takes long; its attempt may run an hour. */
    static final Duration TIMEOUT = Duration.ofHours(1);

    private final JobQueue queue;
    private final Supplier<String> newRunId;

    public StartBroadcastService(JobQueue queue, Supplier<String> newRunId) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.newRunId = Objects.requireNonNull(newRunId, "newRunId");
    }

    @Override
    public BroadcastStarted start(StartBroadcastCommand command) {
        String runId = command.runId().orElseGet(newRunId);
        String dedupeKey = "broadcast:" + DedupeKeys.part(command.businessId()) + ":" + runId;
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("business_id", command.businessId());
        kwargs.put("run_id", runId);
        kwargs.put("message", command.message());
        kwargs.put("recipients", command.recipients());
        EnqueueResult result = queue.enqueue(JobRequest.of(JobNames.BROADCAST, Queues.BROADCASTS, kwargs,
                        command.businessId(), command.traceId())
                .withRunId(runId)
                .withDedupe(dedupeKey, DedupeKeys.EVENT_TTL)
                .withTimeout(TIMEOUT));
        return new BroadcastStarted(result.jobId(), runId, result instanceof EnqueueResult.Duplicate);
    }
}
