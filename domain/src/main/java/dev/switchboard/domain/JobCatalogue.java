package dev.switchboard.domain;

import dev.switchboard.ports.out.ConversationHistory;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every job the domain knows how to run, by name. */
public final class JobCatalogue implements JobHandlers {
    private final Map<String, JobHandler> handlers;

    public JobCatalogue(ConversationHistory history) {
        this.handlers = Map.of(JobNames.WEBHOOK_PROCESS, new WebhookProcessJob(history));
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
