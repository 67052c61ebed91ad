package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatModelException;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LeadUpsert;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.OutgoingWhatsAppMessage;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.WhatsAppSessionRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code webhook_process_job}: one WhatsApp message a business received (or sent from its phone).
 *
 * <p>Upserts the lead (phone from the chat id, an {@code @lid} chat resolved through its
 * alternate id), appends the message to the lead's conversation and open session, and, for a live
 * text message from a lead in a 1:1 chat, asks the AI for an answer and enqueues
 * {@code send_whatsapp_message_job} with a job id derived from this message, so however often this
 * job runs, the lead gets one reply. Our own messages ({@code fromMe}), group messages and history
 * sync are recorded, never answered.
 *
 * <p>Publishes {@code lead.created} when the message made a new lead and {@code message.received}
 * for a live message from the lead (not our own, not history sync) to the business's webhooks
 * ({@link WebhookEvents}), before asking the AI, so an AI failure does not hold them up.
 *
 * <p>Idempotent: the lead is unique per phone, the message per id, the session per lead, the
 * reply per inbound message, each event per its subject. The AI is asked only while no reply job
 * holds this message's dedupe key, so a rerun after the reply was queued does not pay for a second
 * answer (a worker killed between the answer and the enqueue still asks again). A rerun cannot tell whether the attempt
 * before it published (it may have died right after the lead or the message was written), so from
 * the second attempt on it publishes again; the event ids fold the repeats.
 */
public final class WebhookProcessJob implements JobHandler {

    /** Transient failures (store, AI endpoint) are retried; the reply is deduplicated anyway. */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("webhook_process_job", Queues.DEFAULT,
            RetryPolicy.of(3, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)),
            Duration.ofMinutes(2), new Codec(), WebhookProcessJob::new);

    /** How much of the conversation the AI sees. */
    static final int CONTEXT_MESSAGES = 20;
    /** How much of a conversation a rerun reads to tell whether its message opened it. */
    static final int FIRST_MESSAGE_WINDOW = 50;

    /**
     * @param live false for history/offline sync ({@code type: append}): recorded, not answered
     */
    public record Args(String tenantId, boolean live, IncomingWhatsAppMessage message) {
    }

    /** The only place the job's field list lives: the api writes it, the worker reads it. */
    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            IncomingWhatsAppMessage m = a.message();
            Map<String, Object> message = Kwargs.builder()
                    .put("remote_jid", m.remoteJid())
                    .put("remote_jid_alt", m.remoteJidAlt())
                    .put("participant", m.participant())
                    .put("id", m.id())
                    .put("from_me", m.fromMe())
                    .put("sent_at", m.sentAt().map(Instant::getEpochSecond))
                    .put("push_name", m.pushName())
                    .put("kind", m.kind())
                    .put("text", m.text())
                    .build();
            return Kwargs.builder().put("tenant_id", a.tenantId()).put("live", a.live()).put("message", message).build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            Kwargs m = kwargs.map("message");
            return new Args(kwargs.string("tenant_id"), kwargs.bool("live", true), new IncomingWhatsAppMessage(
                    m.string("remote_jid"),
                    m.optionalString("remote_jid_alt"),
                    m.optionalString("participant"),
                    m.string("id"),
                    m.bool("from_me"),
                    m.optionalLong("sent_at").map(Instant::ofEpochSecond),
                    m.optionalString("push_name"),
                    m.string("kind"),
                    m.optionalString("text")));
        }
    }

    private final BusinessRepository businesses;
    private final LeadRepository leads;
    private final MessageRepository messages;
    private final WhatsAppSessionRepository sessions;
    private final ChatModel chat;
    private final JobQueue jobs;
    private final WebhookEvents webhooks;
    private final Clock clock;

    public WebhookProcessJob(JobCollaborators c) {
        this.businesses = c.businesses();
        this.leads = c.leads();
        this.messages = c.messages();
        this.sessions = c.sessions();
        this.chat = c.chat();
        this.jobs = c.jobs();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        if (!args.tenantId().equals(job.businessId())) {
            // A job runs on behalf of the business it was enqueued for; never trust the payload
            // over the job's own tag.
            throw JobFailure.permanent("tenant_id does not match the job's business", null);
        }
        if (job.businessId().equals(BusinessScope.BENCH)) {
            // Benchmark traffic measures the api and the queue; it must never become CRM records
            // or send a reply. The bench deletes these jobs when it is done.
            return Map.of("outcome", "ignored", "reason", "benchmark traffic");
        }
        IncomingWhatsAppMessage message = args.message();
        Optional<LeadContact> contact = WhatsAppContacts.leadContact(job.businessId(), message);
        if (contact.isEmpty()) {
            return Map.of("outcome", "ignored", "reason", "not a conversation with a person");
        }
        LeadUpsert upsert = leads.upsert(contact.get());
        Lead lead = upsert.lead();
        Instant at = message.sentAt().orElseGet(clock::instant);
        ChatMessage recorded = new ChatMessage(job.businessId(), lead.id(), message.id(),
                message.fromMe() ? ChatMessage.Direction.OUTBOUND : ChatMessage.Direction.INBOUND,
                "whatsapp", message.kind(), message.text(), at,
                message.fromMe() ? Optional.empty() : message.pushName());
        boolean isNew = messages.append(recorded);
        sessions.touch(job.businessId(), lead.id(), at);
        boolean rerun = job.attempt() > 1;
        if (upsert.created() || (rerun && openedTheConversation(job.businessId(), lead, message.id()))) {
            webhooks.publish(job.businessId(), job.traceId(),
                    WebhookEvents.eventIdFor(WebhookEvents.LEAD_CREATED, job.businessId(), lead.id()),
                    WebhookEvents.LEAD_CREATED, lead.createdAt(), WebhookEvents.leadData(lead));
        }
        if (!message.fromMe() && args.live() && (isNew || rerun)) {
            webhooks.publish(job.businessId(), job.traceId(),
                    WebhookEvents.eventIdFor(WebhookEvents.MESSAGE_RECEIVED, job.businessId(), message.id()),
                    WebhookEvents.MESSAGE_RECEIVED, at, WebhookEvents.messageData(recorded));
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("lead_id", lead.id());
        result.put("lead_created", upsert.created());
        result.put("message_recorded", isNew);
        Optional<String> noReply = whyNoReply(args, message);
        if (noReply.isPresent()) {
            result.put("reply", noReply.get());
            return result;
        }
        String dedupeKey = replyDedupeKey(job.businessId(), message);
        Optional<String> replied = jobs.dedupeHolder(dedupeKey);
        if (replied.isPresent()) {
            // An earlier attempt (or delivery) of this message got its answer and queued the
            // reply: asking the AI again would pay for an answer nobody receives.
            result.put("reply", "already enqueued");
            result.put("reply_job_id", replied.get());
            return result;
        }
        Business business = businesses.findOrCreate(job.businessId());
        String answer = answer(business, lead);
        EnqueueResult reply = jobs.enqueue(SendWhatsAppMessageJob.DEFINITION.deduplicatedRequest(
                new SendWhatsAppMessageJob.Args(lead.id(), WhatsAppContacts.withoutDevice(message.remoteJid()), answer,
                        Optional.of(message.id())),
                job.businessId(), job.traceId(), dedupeKey, DedupeKeys.WHATSAPP_TTL));
        result.put("reply", reply instanceof EnqueueResult.Enqueued ? "enqueued" : "already enqueued");
        result.put("reply_job_id", reply.jobId());
        return result;
    }

    /**
     * Whether this message opened the lead's conversation: then it made the lead, and a rerun that
     * no longer sees {@code created} still owes {@code lead.created}. A conversation longer than
     * the window is taken as an old lead (a rerun comes minutes after the first attempt).
     */
    private boolean openedTheConversation(String businessId, Lead lead, String messageId) {
        List<ChatMessage> conversation = messages.recent(businessId, lead.id(), FIRST_MESSAGE_WINDOW);
        return conversation.size() < FIRST_MESSAGE_WINDOW && !conversation.isEmpty()
                && conversation.getFirst().messageId().equals(messageId);
    }

    /** Why this message gets no AI answer, or empty when it gets one. */
    static Optional<String> whyNoReply(Args args, IncomingWhatsAppMessage message) {
        if (message.fromMe()) {
            return Optional.of("none: our own message");
        }
        if (WhatsAppContacts.isGroup(message.remoteJid())) {
            return Optional.of("none: group chat");
        }
        if (!args.live()) {
            return Optional.of("none: history sync");
        }
        if (message.text().map(String::isBlank).orElse(true)) {
            return Optional.of("none: no text");
        }
        return Optional.empty();
    }

    /** One reply per inbound message: the key of its {@code send_whatsapp_message_job}. */
    static String replyDedupeKey(String businessId, IncomingWhatsAppMessage message) {
        return "reply:" + DedupeKeys.whatsAppMessage(businessId, message.remoteJid(), message.id());
    }

    private String answer(Business business, Lead lead) {
        List<ChatMessage> conversation = messages.recent(business.id(), lead.id(), CONTEXT_MESSAGES);
        try {
            String answer = chat.complete(AgentPrompts.forWhatsApp(business, lead, conversation)).strip();
            if (answer.isEmpty()) {
                throw JobFailure.retryAfter("the AI answered with an empty message", null, Optional.empty());
            }
            return AgentPrompts.clip(answer, OutgoingWhatsAppMessage.MAX_TEXT);
        } catch (ChatModelException e) {
            throw e.retryable()
                    ? JobFailure.retryAfter("AI unavailable: " + e.getMessage(), e, e.retryAfter())
                    : JobFailure.permanent("AI refused: " + e.getMessage(), e);
        }
    }
}
