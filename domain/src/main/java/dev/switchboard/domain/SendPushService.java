package dev.switchboard.domain;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.in.SendPushCommand;
import dev.switchboard.ports.in.SendPushUseCase;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Queues {@code push_send_job}, deduplicated per notification ({@code push:notification:<id>}). */
public final class SendPushService implements SendPushUseCase {
    static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    private final JobQueue queue;

    public SendPushService(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public EnqueueResult send(SendPushCommand command) {
        String dedupeKey = DedupeKeys.pushNotification(command.businessId(), command.notificationId());
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("business_id", command.businessId());
        kwargs.put("notification_id", command.notificationId());
        kwargs.put("user_id", command.userId());
        kwargs.put("title", command.title());
        kwargs.put("body", command.body());
        command.url().ifPresent(url -> kwargs.put("url", url));
        return queue.enqueue(JobRequest.of(JobNames.PUSH_SEND, Queues.DEFAULT, kwargs, command.businessId(),
                        command.traceId())
                .withDedupe(dedupeKey, DedupeKeys.EVENT_TTL)
                .withRetry(RETRY));
    }
}
