package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesCommand;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesResult;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesUseCase;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns each message of a gateway delivery into one {@code webhook_process_job}, deduplicated per
 * message, so a retried delivery produces no second job. Enqueues only.
 */
public final class ReceiveWhatsAppMessagesService implements ReceiveWhatsAppMessagesUseCase {

    private final JobQueue queue;

    public ReceiveWhatsAppMessagesService(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public ReceiveWhatsAppMessagesResult receive(ReceiveWhatsAppMessagesCommand command) {
        int enqueued = 0;
        int duplicates = 0;
        int ignored = 0;
        List<String> jobIds = new ArrayList<>();
        // Every request is built (and so checked) before the first is enqueued: a bad message
        // anywhere in the batch must not leave the earlier ones enqueued.
        List<JobRequest> requests = new ArrayList<>();
        for (IncomingWhatsAppMessage message : command.messages()) {
            if (!WhatsAppContacts.isConversation(message.remoteJid())) {
                ignored++;
                continue;
            }
            requests.add(WebhookProcessJob.DEFINITION.deduplicatedRequest(
                    new WebhookProcessJob.Args(command.businessId(), command.live(), message),
                    command.businessId(), command.traceId(),
                    DedupeKeys.whatsAppMessage(command.businessId(), message.remoteJid(), message.id()),
                    DedupeKeys.WHATSAPP_TTL));
        }
        for (JobRequest request : requests) {
            EnqueueResult result = queue.enqueue(request);
            jobIds.add(result.jobId());
            if (result instanceof EnqueueResult.Enqueued) {
                enqueued++;
            } else {
                duplicates++;
            }
        }
        return new ReceiveWhatsAppMessagesResult(enqueued, duplicates, ignored, jobIds);
    }
}
