package dev.switchboard.domain;

import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every job type there is, one line each. A job that is not listed here cannot be enqueued (the
 * catalogue test checks every enqueuer), so nothing can fail as "unknown job". Adding a job: its
 * file (with its {@code DEFINITION}), one line here, its test (docs/jobs.md).
 */
public final class JobCatalogue implements JobHandlers {

    public static final List<JobDefinition<?>> DEFINITIONS = List.of(
            WebhookProcessJob.DEFINITION,
            SendWhatsAppMessageJob.DEFINITION,
            WhatsAppSessionsCleanupJob.DEFINITION,
            PushSendJob.DEFINITION,
            SendWebhookJob.DEFINITION,
            RemindersTickJob.DEFINITION,
            RemindersCleanupJob.DEFINITION,
            BroadcastJob.DEFINITION,
            GmailSyncJob.DEFINITION,
            CreateCallLogJob.DEFINITION,
            CreateLeadFromCallJob.DEFINITION,
            SaveConversationTurnJob.DEFINITION,
            FinalizeCallLogJob.DEFINITION,
            FinalizeAbandonedCallsJob.DEFINITION,
            PrebuildPromptJob.DEFINITION,
            WarmupAgentsJob.DEFINITION,
            PlaceOutboundCallJob.DEFINITION,
            RecordingJob.DEFINITION,
            CleanupOldRecordingsJob.DEFINITION,
            HangupCallJob.DEFINITION,
            NoopJob.DEFINITION);

    private final Map<String, JobHandler> handlers;

    public JobCatalogue(JobCollaborators collaborators) {
        Map<String, JobHandler> built = new LinkedHashMap<>();
        for (JobDefinition<?> definition : DEFINITIONS) {
            if (built.put(definition.name(), definition.handler(collaborators)) != null) {
                throw new IllegalStateException("two job types named " + definition.name());
            }
        }
        this.handlers = Map.copyOf(built);
    }

    /** The names of every job type, for enqueuers that check a name (operators' tools). */
    public static Set<String> names() {
        return DEFINITIONS.stream().map(JobDefinition::name).collect(Collectors.toUnmodifiableSet());
    }

    public static Optional<JobDefinition<?>> definition(String name) {
        return DEFINITIONS.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    @Override
    public Optional<JobHandler> handlerFor(String jobName) {
        return Optional.ofNullable(handlers.get(jobName));
    }

    @Override
    public Set<String> jobNames() {
        return handlers.keySet();
    }
}
