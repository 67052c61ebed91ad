package dev.switchboard.domain;

import dev.switchboard.ports.out.BatchSpeechToText;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.OutboundCallRepository;
import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.RecordingRepository;
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
 * @param outboundCalls     outbound call requests and how far placing each got ({@code place_outbound_call_job})
 * @param recordings        call recordings and their transcripts ({@code recording_job}, {@code cleanup_old_recordings_job})
 * @param callRecordings    the recordings' audio at the telephony provider (download, delete)
 * @param batchSpeech       speech-to-text for recordings; {@link BatchSpeechToText#OFF} when none is configured
 * @param liveCalls         which calls a calls process serves now ({@code finalize_abandoned_calls_job})
 * @param prompts           the voice agent's prepared prompts ({@code prebuild_prompt_job}, {@code warmup_agents_job})
 * @param jobs              for jobs that enqueue follow-up jobs
 * @param webPush           sends Web Push notifications ({@code push_send_job})
 * @param webhooks          delivers signed webhook events ({@code send_webhook_job})
 * @param broadcasts        broadcast runs and their recipients ({@code broadcast_job})
 * @param broadcastPacer    each business's broadcast send rate ({@code BROADCAST_RATE})
 * @param gmail             reads connected Gmail mailboxes ({@code gmail_sync_job}); empty when the
 *                          workers have no Google OAuth client ({@code GMAIL_CLIENT_ID} unset)
 * @param telephony         places and hangs up calls through Twilio ({@code place_outbound_call_job},
 *                          {@code hangup_call_job}); empty when the
 *                          workers have no Twilio account ({@code TWILIO_ACCOUNT_SID} unset)
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
        OutboundCallRepository outboundCalls,
        RecordingRepository recordings,
        CallRecordings callRecordings,
        BatchSpeechToText batchSpeech,
        LiveCalls liveCalls,
        PromptCache prompts,
        ChatModel chat,
        WhatsAppGateway whatsApp,
        WebPushSender webPush,
        WebhookSender webhooks,
        SendPacer broadcastPacer,
        Optional<GmailMailbox> gmail,
        Optional<OutboundTelephony> telephony,
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
        Objects.requireNonNull(outboundCalls, "outboundCalls");
        Objects.requireNonNull(recordings, "recordings");
        Objects.requireNonNull(callRecordings, "callRecordings");
        Objects.requireNonNull(batchSpeech, "batchSpeech");
        Objects.requireNonNull(liveCalls, "liveCalls");
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(whatsApp, "whatsApp");
        Objects.requireNonNull(webPush, "webPush");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(broadcastPacer, "broadcastPacer");
        Objects.requireNonNull(gmail, "gmail");
        Objects.requireNonNull(telephony, "telephony");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(reminderRetention, "reminderRetention");
        Objects.requireNonNull(clock, "clock");
        if (reminderRetention.isNegative() || reminderRetention.isZero()) {
            throw new IllegalArgumentException("reminderRetention must be positive");
        }
    }

    /** A builder, so wiring (the worker role, tests) names each collaborator instead of passing two dozen in a row. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the collaborators; {@link #build()} checks that each one was given. */
    public static final class Builder {
        private BusinessRepository businesses;
        private LeadRepository leads;
        private MessageRepository messages;
        private WhatsAppSessionRepository sessions;
        private PushSubscriptionRepository pushSubscriptions;
        private ReminderRepository reminders;
        private WebhookEndpointRepository webhookEndpoints;
        private WebhookDeliveryRepository webhookDeliveries;
        private BroadcastRepository broadcasts;
        private GmailConnectionRepository gmailConnections;
        private CallLogRepository callLogs;
        private OutboundCallRepository outboundCalls;
        private RecordingRepository recordings;
        private CallRecordings callRecordings;
        private BatchSpeechToText batchSpeech;
        private LiveCalls liveCalls;
        private PromptCache prompts;
        private ChatModel chat;
        private WhatsAppGateway whatsApp;
        private WebPushSender webPush;
        private WebhookSender webhooks;
        private SendPacer broadcastPacer;
        private Optional<GmailMailbox> gmail;
        private Optional<OutboundTelephony> telephony;
        private JobQueue jobs;
        private Duration reminderRetention;
        private Clock clock;

        private Builder() {
        }

        public Builder businesses(BusinessRepository businesses) {
            this.businesses = businesses;
            return this;
        }

        public Builder leads(LeadRepository leads) {
            this.leads = leads;
            return this;
        }

        public Builder messages(MessageRepository messages) {
            this.messages = messages;
            return this;
        }

        public Builder sessions(WhatsAppSessionRepository sessions) {
            this.sessions = sessions;
            return this;
        }

        public Builder pushSubscriptions(PushSubscriptionRepository pushSubscriptions) {
            this.pushSubscriptions = pushSubscriptions;
            return this;
        }

        public Builder reminders(ReminderRepository reminders) {
            this.reminders = reminders;
            return this;
        }

        public Builder webhookEndpoints(WebhookEndpointRepository webhookEndpoints) {
            this.webhookEndpoints = webhookEndpoints;
            return this;
        }

        public Builder webhookDeliveries(WebhookDeliveryRepository webhookDeliveries) {
            this.webhookDeliveries = webhookDeliveries;
            return this;
        }

        public Builder broadcasts(BroadcastRepository broadcasts) {
            this.broadcasts = broadcasts;
            return this;
        }

        public Builder gmailConnections(GmailConnectionRepository gmailConnections) {
            this.gmailConnections = gmailConnections;
            return this;
        }

        public Builder callLogs(CallLogRepository callLogs) {
            this.callLogs = callLogs;
            return this;
        }

        public Builder outboundCalls(OutboundCallRepository outboundCalls) {
            this.outboundCalls = outboundCalls;
            return this;
        }

        public Builder recordings(RecordingRepository recordings) {
            this.recordings = recordings;
            return this;
        }

        public Builder callRecordings(CallRecordings callRecordings) {
            this.callRecordings = callRecordings;
            return this;
        }

        public Builder batchSpeech(BatchSpeechToText batchSpeech) {
            this.batchSpeech = batchSpeech;
            return this;
        }

        public Builder liveCalls(LiveCalls liveCalls) {
            this.liveCalls = liveCalls;
            return this;
        }

        public Builder prompts(PromptCache prompts) {
            this.prompts = prompts;
            return this;
        }

        public Builder chat(ChatModel chat) {
            this.chat = chat;
            return this;
        }

        public Builder whatsApp(WhatsAppGateway whatsApp) {
            this.whatsApp = whatsApp;
            return this;
        }

        public Builder webPush(WebPushSender webPush) {
            this.webPush = webPush;
            return this;
        }

        public Builder webhooks(WebhookSender webhooks) {
            this.webhooks = webhooks;
            return this;
        }

        public Builder broadcastPacer(SendPacer broadcastPacer) {
            this.broadcastPacer = broadcastPacer;
            return this;
        }

        public Builder gmail(Optional<GmailMailbox> gmail) {
            this.gmail = gmail;
            return this;
        }

        public Builder telephony(Optional<OutboundTelephony> telephony) {
            this.telephony = telephony;
            return this;
        }

        public Builder jobs(JobQueue jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder reminderRetention(Duration reminderRetention) {
            this.reminderRetention = reminderRetention;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public JobCollaborators build() {
            return new JobCollaborators(businesses, leads, messages, sessions, pushSubscriptions, reminders,
                    webhookEndpoints, webhookDeliveries, broadcasts, gmailConnections, callLogs, outboundCalls,
                    recordings, callRecordings, batchSpeech, liveCalls, prompts, chat, whatsApp, webPush, webhooks,
                    broadcastPacer, gmail, telephony, jobs, reminderRetention, clock);
        }
    }
}
