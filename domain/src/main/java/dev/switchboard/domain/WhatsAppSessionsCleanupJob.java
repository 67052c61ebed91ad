package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatModelException;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.WhatsAppSession;
import dev.switchboard.ports.out.WhatsAppSessionRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code whatsapp_sessions_cleanup_job} (periodic, every 5 minutes, queue {@code maintenance}):
 * sessions idle for {@link #IDLE} are summarized through the AI, in batches of {@link #BATCH}; the
 * summary is saved on the lead and the session closed, in one transaction.
 *
 * <p>Idempotent and safe when two run at once: a session is closed only if it is still open and
 * has not moved since it was read, so a second run (or a message arriving meanwhile) never closes
 * it twice or closes it half-read. A session the AI refuses to summarize (a final error) is closed
 * with the embedded agent's plain summary rather than left to block every later run; an AI that is
 * down fails the run, visibly, and the next slot tries again.
 */
public final class WhatsAppSessionsCleanupJob implements JobHandler {

    /** Not retried: the next slot, five minutes later, does the same work. */
    public static final JobDefinition<JobDefinition.NoArgs> DEFINITION = JobDefinition.of("whatsapp_sessions_cleanup_job",
            Queues.MAINTENANCE, RetryPolicy.NONE, Duration.ofMinutes(3), JobDefinition.NO_ARGS, WhatsAppSessionsCleanupJob::new);

    /** How long a session must be quiet before it is summarized. */
    public static final Duration IDLE = Duration.ofMinutes(15);
    static final int BATCH = 50;
    /** Work per run is bounded well inside the timeout; what is left waits for the next slot. */
    static final Duration BUDGET = Duration.ofMinutes(2);
    /** How much of a session's conversation the summary sees. */
    static final int MAX_MESSAGES = 200;



    private final WhatsAppSessionRepository sessions;
    private final LeadRepository leads;
    private final BusinessRepository businesses;
    private final MessageRepository messages;
    private final ChatModel chat;
    private final Clock clock;
    private final EmbeddedChatModel fallback = new EmbeddedChatModel();

    public WhatsAppSessionsCleanupJob(JobCollaborators c) {
        this.sessions = c.sessions();
        this.leads = c.leads();
        this.businesses = c.businesses();
        this.messages = c.messages();
        this.chat = c.chat();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        DEFINITION.argsOf(job);
        Instant started = clock.instant();
        Instant idleSince = started.minus(IDLE);
        int summarized = 0;
        int skipped = 0;
        int fallbacks = 0;
        while (Duration.between(started, clock.instant()).compareTo(BUDGET) < 0) {
            List<WhatsAppSession> batch = sessions.idle(idleSince, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            int closedInBatch = 0;
            for (WhatsAppSession session : batch) {
                Summary summary = summarize(session);
                if (summary.fallback()) {
                    fallbacks++;
                }
                if (sessions.closeWithSummary(session, summary.text(), clock.instant())) {
                    summarized++;
                    closedInBatch++;
                } else {
                    skipped++;
                }
            }
            job.progress().report(Math.min(99, summarized), "summarized " + summarized + " sessions");
            if (closedInBatch == 0) {
                break; // another run is closing these: leave the rest to it
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("summarized", summarized);
        result.put("skipped", skipped);
        result.put("plain_summaries", fallbacks);
        return result;
    }

    private record Summary(String text, boolean fallback) {
    }

    private Summary summarize(WhatsAppSession session) {
        Business business = businesses.findOrCreate(session.businessId());
        Optional<Lead> lead = leads.find(session.businessId(), session.leadId());
        List<ChatMessage> conversation = messages.recent(session.businessId(), session.leadId(), MAX_MESSAGES).stream()
                .filter(m -> !m.at().isBefore(session.openedAt()))
                .toList();
        ChatRequest request = AgentPrompts.summaryOf(business, lead.flatMap(Lead::name), conversation);
        try {
            String text = chat.complete(request).strip();
            return text.isEmpty() ? new Summary(fallback.complete(request), true)
                    : new Summary(AgentPrompts.clip(text, 2000), false);
        } catch (ChatModelException e) {
            if (e.retryable()) {
                throw JobFailure.retryAfter("AI unavailable: " + e.getMessage(), e, e.retryAfter());
            }
            if (!e.requestRefused()) {
                // A bad key, an unknown model, no quota: every summary would fail the same way, and a
                // placeholder would overwrite the lead's real summary for good. The sessions stay
                // open for the next run, once an operator has fixed it.
                throw JobFailure.permanent("the AI refuses every request (" + e.getMessage()
                        + "): check AI_API_KEY, AI_MODEL and the account; the sessions stay open", e);
            }
            return new Summary(fallback.complete(request), true);
        }
    }
}
