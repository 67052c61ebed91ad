package dev.switchboard.domain;

import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSessionRepository;

import java.time.Clock;
import java.util.Objects;

/**
 * What the worker hands the job handlers: the driven ports, wired once by the worker role. Each
 * job's constructor takes the few it uses.
 *
 * @param jobs  for jobs that enqueue follow-up jobs
 * @param clock wall-clock time for stored timestamps
 */
public record JobCollaborators(
        BusinessRepository businesses,
        LeadRepository leads,
        MessageRepository messages,
        WhatsAppSessionRepository sessions,
        ChatModel chat,
        WhatsAppGateway whatsApp,
        JobQueue jobs,
        Clock clock) {

    public JobCollaborators {
        Objects.requireNonNull(businesses, "businesses");
        Objects.requireNonNull(leads, "leads");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(whatsApp, "whatsApp");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(clock, "clock");
    }
}
