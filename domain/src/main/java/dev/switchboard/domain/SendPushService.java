package dev.switchboard.domain;

import dev.switchboard.ports.in.SendPushCommand;
import dev.switchboard.ports.in.SendPushUseCase;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Queues one {@code push_send_job} per notification id: a client that retries its request gets
 * the same job, and every push of it carries one {@code Topic}. Enqueues only.
 */
public final class SendPushService implements SendPushUseCase {
    private final JobQueue queue;

    public SendPushService(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public EnqueueResult send(SendPushCommand command) {
        PushSendJob.Args args = new PushSendJob.Args(command.userId(), command.title(), command.body(), command.url(),
                Optional.empty(), Optional.of(topicOf(command.businessId(), command.notificationId())), Optional.empty());
        return queue.enqueue(PushSendJob.DEFINITION.deduplicatedRequest(args, command.businessId(), command.traceId(),
                DedupeKeys.pushNotification(command.businessId(), command.notificationId()), DedupeKeys.EVENT_TTL));
    }

    /**
     * The push's {@code Topic} (32 of [A-Za-z0-9_-]), from the business and the notification id:
     * a repeat of the same notification (a worker killed after the push service took it; a
     * client's retry after the dedupe window) replaces a copy the device has not received yet
     * instead of adding one, and the page's tag (the same value) one already shown. The business is
     * in it because one browser may be subscribed for two businesses, and their ids are their own.
     */
    static String topicOf(String businessId, String notificationId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (businessId + '\0' + notificationId).getBytes(StandardCharsets.UTF_8));
            return "n-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 30);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
