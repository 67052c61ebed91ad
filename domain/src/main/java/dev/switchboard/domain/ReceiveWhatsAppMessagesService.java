package dev.switchboard.domain;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesCommand;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesResult;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesUseCase;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns each message of a gateway delivery into one {@code webhook_process_job}, deduplicated per
 * message, so a retried delivery produces no second job. Enqueues only.
 */
public final class ReceiveWhatsAppMessagesService implements ReceiveWhatsAppMessagesUseCase {

    /** Transient failures (gateway, AI endpoint) are retried; ids are deduplicated anyway. */
    static final RetryPolicy RETRY = RetryPolicy.of(3,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

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
            requests.add(jobFor(command, message));
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

    private static JobRequest jobFor(ReceiveWhatsAppMessagesCommand command, IncomingWhatsAppMessage m) {
        String dedupeKey = DedupeKeys.whatsAppMessage(command.businessId(), m.remoteJid(), m.id());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("remote_jid", m.remoteJid());
        message.put("remote_jid_alt", m.remoteJidAlt().orElse(null));
        message.put("participant", m.participant().orElse(null));
        message.put("id", m.id());
        message.put("from_me", m.fromMe());
        message.put("sent_at", m.sentAt().map(t -> (Object) t.getEpochSecond()).orElse(null));
        message.put("push_name", m.pushName().orElse(null));
        message.put("kind", m.kind());
        message.put("text", m.text().orElse(null));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("tenant_id", command.businessId());
        kwargs.put("live", command.live());
        kwargs.put("message", nullsDropped(message));
        return JobRequest.of(JobNames.WEBHOOK_PROCESS, Queues.DEFAULT, kwargs, command.businessId(),
                        command.traceId())
                .withDedupe(dedupeKey, DedupeKeys.WHATSAPP_TTL)
                .withRetry(RETRY);
    }

    /** Map.copyOf (in JobRequest) refuses null values; absent fields are simply left out. */
    private static Map<String, Object> nullsDropped(Map<String, Object> map) {
        map.values().removeIf(Objects::isNull);
        return map;
    }
}
