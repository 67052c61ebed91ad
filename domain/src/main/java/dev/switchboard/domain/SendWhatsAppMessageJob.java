package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.OutgoingWhatsAppMessage;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.SentWhatsAppMessage;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSendException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code send_whatsapp_message_job}: sends one text to a lead through the business's WhatsApp
 * gateway and records it in the lead's conversation.
 *
 * <p>Exactly once at the gateway: the job's id is the gateway's idempotency key
 * ({@code clientMessageId}), so a retry after a lost answer, a rerun after a worker died, or an
 * operator's requeue finds the message already sent instead of sending it again. A 5xx, 429, a
 * send still in flight or a timeout is retried (honouring {@code Retry-After}); any other 4xx is
 * final: the job fails at once and stays visible, requeueable, in the failed registry.
 *
 * <p>Once the gateway has the message, {@code message.sent} goes to the business's webhooks
 * ({@link WebhookEvents}), its id derived from the gateway's message id: a rerun, which the gateway
 * answers "already sent" with the same id, publishes the same event.
 */
public final class SendWhatsAppMessageJob implements JobHandler {

    /**
     * The gateway contract's backoff: 1 s doubling to a minute, 8 retries, about three minutes in
     * all (one interval per retry: python-rq repeats the first interval when there are fewer).
     */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("send_whatsapp_message_job", Queues.DEFAULT,
            RetryPolicy.of(8, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                    Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofSeconds(60),
                    Duration.ofSeconds(60)),
            Duration.ofMinutes(1), new Codec(), SendWhatsAppMessageJob::new);

    /**
     * @param leadId    the lead the message is recorded on
     * @param to        the chat to send to (a full JID)
     * @param text      the text
     * @param inReplyTo the inbound message this answers, if it is a reply
     */
    public record Args(String leadId, String to, String text, Optional<String> inReplyTo) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("lead_id", a.leadId()).put("to", a.to()).put("text", a.text())
                    .put("in_reply_to", a.inReplyTo()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("lead_id"), k.string("to"), k.string("text"), k.optionalString("in_reply_to"));
        }
    }

    private final WhatsAppGateway gateway;
    private final MessageRepository messages;
    private final WebhookEvents webhooks;

    public SendWhatsAppMessageJob(JobCollaborators c) {
        this.gateway = c.whatsApp();
        this.messages = c.messages();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        OutgoingWhatsAppMessage outgoing;
        try {
            outgoing = new OutgoingWhatsAppMessage(job.businessId(), args.to(), args.text(), job.jobId());
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent("cannot send: " + e.getMessage(), e);
        }
        SentWhatsAppMessage sent;
        try {
            sent = gateway.send(outgoing);
        } catch (WhatsAppSendException e) {
            String what = "gateway " + (e.status() == 0 ? "unreachable" : "answered " + e.status()) + ": " + e.getMessage();
            throw e.retryable() ? JobFailure.retryAfter(what, e, e.retryAfter()) : JobFailure.permanent(what, e);
        }
        ChatMessage message = new ChatMessage(job.businessId(), args.leadId(), sent.messageId(),
                ChatMessage.Direction.OUTBOUND, "whatsapp", "text", Optional.of(args.text()), sent.at(),
                Optional.empty());
        boolean recorded = messages.append(message);
        Map<String, Object> event = WebhookEvents.messageData(message);
        event.put("to", args.to());
        event.put("in_reply_to", args.inReplyTo().orElse(null));
        webhooks.publish(job.businessId(), job.traceId(),
                WebhookEvents.eventIdFor(WebhookEvents.MESSAGE_SENT, job.businessId(), sent.messageId()),
                WebhookEvents.MESSAGE_SENT, sent.at(), event);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("message_id", sent.messageId());
        result.put("already_sent", sent.alreadySent());
        result.put("recorded", recorded);
        return result;
    }
}
