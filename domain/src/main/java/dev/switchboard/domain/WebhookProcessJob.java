package dev.switchboard.domain;

import dev.switchboard.ports.out.ConversationEntry;
import dev.switchboard.ports.out.ConversationHistory;
import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code webhook_process_job}: one incoming WhatsApp message. Records it in the lead's
 * conversation history (keyed by business and contact). Idempotent: the history is keyed by
 * message id, so a second run records nothing new.
 *
 * <p>Lead upsert, session tracking and the AI reply join this job with their ports.
 */
public final class WebhookProcessJob implements JobHandler {

    private final ConversationHistory history;

    public WebhookProcessJob(ConversationHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public Object run(JobExecution job) {
        Kwargs kwargs = new Kwargs(job.kwargs());
        String tenant = kwargs.string("tenant_id");
        if (!tenant.equals(job.businessId())) {
            // A job is always run on behalf of the business it was enqueued for; never trust the
            // payload over the job's own tag.
            throw new IllegalArgumentException("tenant_id does not match the job's business");
        }
        Kwargs message = kwargs.map("message");
        IncomingWhatsAppMessage incoming = new IncomingWhatsAppMessage(
                message.string("remote_jid"),
                message.optionalString("remote_jid_alt"),
                message.optionalString("participant"),
                message.string("id"),
                message.bool("from_me"),
                message.optionalLong("sent_at").map(Instant::ofEpochSecond),
                message.optionalString("push_name"),
                message.string("kind"),
                message.optionalString("text"));
        String contact = WhatsAppContacts.contactOf(incoming);
        boolean recorded = history.record(new ConversationEntry(job.businessId(), contact,
                incoming.id(), incoming.sentAt(), incoming.fromMe(), incoming.kind(),
                incoming.text(), incoming.pushName()));
        return Map.of("contact", contact, "recorded", recorded);
    }
}
