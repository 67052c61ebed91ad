package dev.switchboard.domain;

import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.ReminderRepository;
import dev.switchboard.ports.out.SendPacer;
import dev.switchboard.ports.out.WebPushSender;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import dev.switchboard.ports.out.WebhookSender;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSessionRepository;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the worker hands the job handlers: the driven ports, wired once by the worker role. Each
 * job's constructor takes the few it uses.
 *
 * @param callLogs          call logs and their turns (the call jobs)
 * @param liveCalls         which calls a calls process serves now ({@code finalize_abandoned_calls_job})
 * @param jobs              for jobs that enqueue follow-up jobs
 * @param webPush           sends Web Push notifications ({@code push_send_job})
 * @param webhooks          delivers signed webhook events ({@code send_webhook_job})
 * @param broadcasts        broadcast runs and their recipients ({@code broadcast_job})
 * @param broadcastPacer    each business's broadcast send rate ({@code BROADCAST_RATE})
 * @param gmail             reads connected Gmail mailboxes ({@code gmail_sync_job}); empty when the
 *                          workers have no Google OAuth client ({@code GMAIL_CLIENT_ID} unset)
 * @param reminderRetention how long reminders are kept after they were due ({@code REMINDER_RETENTION})
 * @param clock             wall-clock time for stored timestamps
 */
public record JobCollaborators(
        BusinessRepository businesses,
        LeadRepository leads,
        MessageRepository messages,
        WhatsAppSessionRepository sessions,
        PushSubscriptionRepository pushSubscriptions,
        ReminderRepository reminders,
        WebhookEndpointRepository webhookEndpoints,
        WebhookDeliveryRepository webhookDeliveries,
        BroadcastRepository broadcasts,
        GmailConnectionRepository gmailConnections,
        CallLogRepository callLogs,
        LiveCalls liveCalls,
        ChatModel chat,
        WhatsAppGateway whatsApp,
        WebPushSender webPush,
        WebhookSender webhooks,
        SendPacer broadcastPacer,
        Optional<GmailMailbox> gmail,
        JobQueue jobs,
        Duration reminderRetention,
        Clock clock) {

    public JobCollaborators {
        Objects.requireNonNull(businesses, "businesses");
        Objects.requireNonNull(leads, "leads");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(pushSubscriptions, "pushSubscriptions");
        Objects.requireNonNull(reminders, "reminders");
        Objects.requireNonNull(webhookEndpoints, "webhookEndpoints");
        Objects.requireNonNull(webhookDeliveries, "webhookDeliveries");
        Objects.requireNonNull(broadcasts, "broadcasts");
        Objects.requireNonNull(gmailConnections, "gmailConnections");
        Objects.requireNonNull(callLogs, "callLogs");
        Objects.requireNonNull(liveCalls, "liveCalls");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(whatsApp, "whatsApp");
        Objects.requireNonNull(webPush, "webPush");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(broadcastPacer, "broadcastPacer");
        Objects.requireNonNull(gmail, "gmail");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(reminderRetention, "reminderRetention");
        Objects.requireNonNull(clock, "clock");
        if (reminderRetention.isNegative() || reminderRetention.isZero()) {
            throw new IllegalArgumentException("reminderRetention must be positive");
        }
    }
}
