package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.EmailAddress;
import dev.switchboard.ports.out.GmailAccount;
import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.GmailException;
import dev.switchboard.ports.out.GmailHistoryPage;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.GmailMessage;
import dev.switchboard.ports.out.GmailMessagePage;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.RetryPolicy;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code gmail_sync_job} (queue {@code low}): reads the Gmail mailboxes businesses connected and
 * attaches mail from known leads (matched by the lead's e-mail address) to their conversations
 * (docs/gmail.md). Two shapes of one job type, as {@code push_send_job} has:
 *
 * <ul>
 *   <li><b>Without {@code connection_id}</b>: the scheduler's, every 5 minutes, business
 *       {@code _system}. Enqueues one sync per active connection of every business, deduplicated on
 *       the connection and this job's id, so a rerun enqueues nothing twice. The periodic table is
 *       per job, not per mailbox: this fan-out is how "every 5 minutes per mailbox" is kept, and a
 *       slow or rate-limited mailbox delays only its own job.</li>
 *   <li><b>With {@code connection_id}</b> (business: the connection's; also enqueued when a
 *       mailbox is connected): one mailbox. Without a history id, a full sync: the profile's
 *       history id first, then the last {@value #BACKFILL_DAYS} days of inbox (newest
 *       {@value #MAX_BACKFILL} at most), then that id saved. With one, an incremental sync: every
 *       page of messages added since it, each message fetched, and the newest history id saved
 *       only after all were processed; an expired id (404) falls back to a full sync.</li>
 * </ul>
 *
 * <p>Failures: Google refusing the refresh token ({@code invalid_grant}), or a token of another
 * mailbox, marks the connection "reconnect needed" and ends the job without failing (nothing is
 * synced until the business connects again; the reason is on the connection). Rate limits and
 * server errors the client's own backoff could not outlast retry the job ({@link
 * JobFailure#retryAfter}, honouring Google's wait); a refused request or configuration fails at
 * once. Each failure's reason is kept on the connection for the business to read.
 *
 * <p>Idempotent: a message is recorded once per id (the RFC 5322 {@code Message-ID}, so the same
 * mail in two connected mailboxes is one message), history ids only move forward, and two syncs
 * of one mailbox at once only repeat reads.
 */
public final class GmailSyncJob implements JobHandler {

    /**
     * Retried for rate limits and Google's outages; the next slot (5 minutes) syncs the mailbox
     * again anyway, so a few retries are enough. The periodic fan-out itself is not retried.
     */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("gmail_sync_job", Queues.LOW,
            RetryPolicy.of(3, Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4)),
            Duration.ofMinutes(10), new Codec(), GmailSyncJob::new);

    /** How far back a full sync reads the inbox. */
    static final int BACKFILL_DAYS = 30;
    /** The most messages a full sync fetches (5 quota units each), newest first. */
    static final int MAX_BACKFILL = 500;
    /** The most connections one fan-out visits. */
    static final int MAX_CONNECTIONS = 10_000;
    /** A fan-out's reruns come within minutes; its per-mailbox dedupe keys need not outlive an hour. */
    static final Duration FAN_OUT_KEY_TTL = Duration.ofHours(1);
    static final String OFF = "Gmail sync is off on the workers: set GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET";

    /** @param connectionId empty: every active connection (the scheduler's job); given: that mailbox */
    public record Args(Optional<String> connectionId) {
        public static Args everyMailbox() {
            return new Args(Optional.empty());
        }

        public static Args mailbox(String connectionId) {
            return new Args(Optional.of(connectionId));
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("connection_id", a.connectionId()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.optionalString("connection_id"));
        }
    }

    /** The periodic fan-out's share for one mailbox: {@code gmail:sync:<connection>:<fan-out job>}. */
    static String fanOutKey(String connectionId, String parentJobId) {
        return DedupeKeys.bounded("gmail:sync:", DedupeKeys.part(connectionId) + ":" + DedupeKeys.part(parentJobId));
    }

    /** The sync a connect (or reconnect) starts: {@code gmail:connect:<connection>:<generation>}. */
    static String connectKey(String connectionId, int generation) {
        return DedupeKeys.bounded("gmail:connect:", DedupeKeys.part(connectionId) + ":" + generation);
    }

    private final GmailConnectionRepository connections;
    private final Optional<GmailMailbox> gmail;
    private final LeadRepository leads;
    private final MessageRepository messages;
    private final JobQueue jobs;
    private final WebhookEvents webhooks;
    private final Clock clock;

    public GmailSyncJob(JobCollaborators c) {
        this.connections = c.gmailConnections();
        this.gmail = c.gmail();
        this.leads = c.leads();
        this.messages = c.messages();
        this.jobs = c.jobs();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        return args.connectionId().isEmpty() ? fanOut(job) : sync(job, args.connectionId().get());
    }

    private Map<String, Object> fanOut(JobExecution job) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (gmail.isEmpty()) {
            result.put("skipped", OFF);
            return result;
        }
        List<GmailConnection> active = connections.active(MAX_CONNECTIONS);
        for (GmailConnection connection : active) {
            jobs.enqueue(DEFINITION.deduplicatedRequest(Args.mailbox(connection.id()), connection.businessId(),
                    job.traceId(), fanOutKey(connection.id(), job.jobId()), FAN_OUT_KEY_TTL));
        }
        result.put("mailboxes", active.size());
        return result;
    }

    private Map<String, Object> sync(JobExecution job, String connectionId) {
        String business = job.businessId();
        Map<String, Object> result = new LinkedHashMap<>();
        Optional<GmailConnection> found = connections.find(business, connectionId);
        if (found.isEmpty() || !found.get().active()) {
            result.put("skipped", found.isEmpty() ? "disconnected" : "waiting for the business to connect again");
            return result;
        }
        GmailConnection connection = found.get();
        if (gmail.isEmpty()) {
            connections.failed(business, connectionId, OFF);
            result.put("skipped", OFF);
            return result;
        }
        MailboxSync mailbox = new MailboxSync(job, connection, gmail.get());
        try {
            BigInteger next;
            if (connection.historyId().isEmpty()) {
                next = mailbox.full();
                result.put("sync", "full");
            } else {
                try {
                    next = mailbox.partial(connection.historyId().get());
                    result.put("sync", "incremental");
                } catch (GmailException e) {
                    if (e.reason() != GmailException.Reason.HISTORY_EXPIRED) {
                        throw e;
                    }
                    next = mailbox.full();
                    result.put("sync", "full (history id expired)");
                }
            }
            connections.synced(business, connectionId, next, clock.instant());
            result.put("history_id", next.toString());
            result.put("fetched", mailbox.fetched);
            result.put("attached", mailbox.attached);
            return result;
        } catch (GmailException e) {
            return failed(connection, e, result);
        }
    }

    private Map<String, Object> failed(GmailConnection connection, GmailException e, Map<String, Object> result) {
        String business = connection.businessId();
        switch (e.reason()) {
            case RECONNECT_NEEDED -> {
                connections.reconnectNeeded(business, connection.id(), connection.generation(), e.getMessage());
                result.put("reconnect_needed", e.getMessage());
                return result;
            }
            case RETRY_LATER -> {
                // Google's wait holds for the whole mailbox: the next slots leave it alone until then.
                if (e.retryAfter().isPresent()) {
                    connections.waitUntil(business, connection.id(), e.getMessage(),
                            clock.instant().plus(e.retryAfter().get()));
                } else {
                    connections.failed(business, connection.id(), e.getMessage());
                }
                throw JobFailure.retryAfter("Gmail: " + e.getMessage(), e, e.retryAfter());
            }
            default -> {
                connections.failed(business, connection.id(), e.getMessage());
                throw JobFailure.permanent("Gmail: " + e.getMessage(), e);
            }
        }
    }

    /** One mailbox's sync: what it read, and the leads it looked up (once each). */
    private final class MailboxSync {
        private final JobExecution job;
        private final GmailConnection connection;
        private final GmailAccount account;
        private final GmailMailbox mailbox;
        private final Map<String, Optional<Lead>> leadsByAddress = new HashMap<>();
        int fetched;
        int attached;

        MailboxSync(JobExecution job, GmailConnection connection, GmailMailbox mailbox) {
            this.job = job;
            this.connection = connection;
            this.account = connection.account();
            this.mailbox = mailbox;
        }

        /** The history id to save. Taken before listing, so nothing arriving meanwhile slips between. */
        BigInteger full() {
            GmailMailbox.Profile profile = checkedProfile();
            Optional<String> page = Optional.empty();
            int listed = 0;
            do {
                GmailMessagePage ids = mailbox.recentInboxMessages(account, BACKFILL_DAYS, page);
                for (String id : ids.messageIds()) {
                    if (listed++ >= MAX_BACKFILL) {
                        return profile.historyId();
                    }
                    attach(id, listed, MAX_BACKFILL);
                }
                page = ids.nextPageToken();
            } while (page.isPresent());
            return profile.historyId();
        }

        /**
         * The mailbox's profile, refused unless it is the connected address: a refresh token of
         * another mailbox (the wrong Google account picked at consent) must not be synced under
         * this one's name. Checked by every sync, incremental ones too (one quota unit): a reconnect
         * keeps the history id, so the next sync after it is incremental.
         */
        GmailMailbox.Profile checkedProfile() {
            GmailMailbox.Profile profile = mailbox.profile(account);
            if (!profile.emailAddress().equalsIgnoreCase(connection.email())) {
                throw new GmailException(GmailException.Reason.RECONNECT_NEEDED, "the refresh token is for "
                        + profile.emailAddress() + ", not " + connection.email() + ": connect with a token of "
                        + connection.email(), 0, Optional.empty());
            }
            return profile;
        }

        /** The newest history id, once every added message was processed. */
        BigInteger partial(BigInteger start) {
            checkedProfile();
            Set<String> seen = new HashSet<>();
            BigInteger newest = start;
            Optional<String> page = Optional.empty();
            int done = 0;
            do {
                GmailHistoryPage history = mailbox.addedSince(account, start, page);
                List<String> fresh = history.addedMessageIds().stream().filter(seen::add).toList();
                int of = done + fresh.size();
                for (String id : fresh) {
                    attach(id, ++done, of);
                }
                newest = newest.max(history.historyId());
                page = history.nextPageToken();
                if (page.isPresent() && history.lastRecordId().isPresent()) {
                    // This page is done: a retry (after a timeout, a kill) starts after it, not over.
                    connections.synced(connection.businessId(), connection.id(), history.lastRecordId().get(),
                            clock.instant());
                }
            } while (page.isPresent());
            return newest;
        }

        private void attach(String gmailId, int done, int of) {
            job.progress().report(Math.min(99, done * 100 / Math.max(of, 1)), "read " + done + " of " + of + " messages");
            Optional<GmailMessage> message = mailbox.message(account, gmailId);
            if (message.isEmpty()) {
                return; // deleted since it was listed
            }
            fetched++;
            GmailMessage mail = message.get();
            Optional<Sender> sender = mail.header("from").flatMap(GmailSyncJob::sender);
            if (sender.isEmpty()) {
                return;
            }
            Optional<Lead> lead = leadsByAddress.computeIfAbsent(sender.get().address().key(),
                    address -> leads.findByEmail(connection.businessId(), address));
            if (lead.isEmpty()) {
                return; // not from a lead: the CRM keeps leads' conversations, not the whole mailbox
            }
            ChatMessage recorded = new ChatMessage(connection.businessId(), lead.get().id(), messageId(mail, connection.id()),
                    ChatMessage.Direction.INBOUND, "email", "email",
                    Optional.of(mail.header("subject").filter(s -> !s.isBlank()).orElse("(no subject)")),
                    mail.receivedAt(), sender.get().name());
            boolean isNew = messages.append(recorded);
            attached++;
            if (isNew || job.attempt() > 1) {
                Map<String, Object> data = WebhookEvents.messageData(recorded);
                data.put("mailbox", connection.email());
                webhooks.publish(connection.businessId(), job.traceId(),
                        WebhookEvents.eventIdFor(WebhookEvents.MESSAGE_RECEIVED, connection.businessId(),
                                recorded.messageId()),
                        WebhookEvents.MESSAGE_RECEIVED, recorded.at(), data);
            }
        }
    }

    /** A {@code From} header's address and display name. */
    record Sender(EmailAddress address, Optional<String> name) {
    }

    /**
     * Reads {@code Maria <maria@example.com>}, {@code "Silva, Maria" <maria@example.com>} and a bare
     * {@code maria@example.com}; anything else is no sender.
     */
    static Optional<Sender> sender(String from) {
        String value = from.strip();
        int open = value.lastIndexOf('<');
        int close = value.lastIndexOf('>');
        String address = open >= 0 && close > open ? value.substring(open + 1, close).strip() : value;
        if (!EmailAddress.isValid(address)) {
            return Optional.empty();
        }
        String name = open > 0 ? value.substring(0, open).strip() : "";
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).strip();
        }
        return Optional.of(new Sender(new EmailAddress(address), name.isEmpty() ? Optional.empty() : Optional.of(name)));
    }

    /**
     * The message's id in the conversation: {@code email:<Message-ID>} (the same mail reaching two
     * connected mailboxes is one message), else {@code gmail:<connection>:<Gmail id>}.
     */
    static String messageId(GmailMessage mail, String connectionId) {
        return mail.header("message-id").map(String::strip).map(id -> id.replaceAll("^<|>$", ""))
                .filter(id -> !id.isBlank())
                .map(id -> DedupeKeys.bounded("email:", id))
                .orElseGet(() -> "gmail:" + connectionId + ":" + mail.id());
    }
}
