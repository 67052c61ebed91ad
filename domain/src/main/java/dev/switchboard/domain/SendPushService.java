package dev.switchboard.domain;

import dev.switchboard.ports.in.SendPushCommand;
import dev.switchboard.ports.in.SendPushUseCase;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;

import java.util.Objects;

/**
 * Queues one {@code push_send_job} per notification id: a client that retries its request gets
 * the same job. Enqueues only.
 */
public final class SendPushService implements SendPushUseCase {
    private final JobQueue queue;

    public SendPushService(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public EnqueueResult send(SendPushCommand command) {
        return queue.enqueue(PushSendJob.DEFINITION.deduplicatedRequest(
                PushSendJob.Args.toUser(command.userId(), command.title(), command.body(), command.url()),
                command.businessId(), command.traceId(),
                DedupeKeys.pushNotification(command.businessId(), command.notificationId()), DedupeKeys.EVENT_TTL));
    }
}
