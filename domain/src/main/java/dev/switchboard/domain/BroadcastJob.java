package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BroadcastRun;
import dev.switchboard.ports.out.BroadcastStatus;
import dev.switchboard.ports.out.JobProgress;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.OutgoingWhatsAppMessage;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.SendPacer;
import dev.switchboard.ports.out.SentWhatsAppMessage;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSendException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code broadcast_job} (queue {@code broadcasts}): sends a broadcast run's message to each of its
 * recipients, one after another, at the business's pace ({@code BROADCAST_RATE}), and ends the run
 * with the {@code broadcast.finished} webhook event.
 *
 * <p><b>It sends itself rather than fanning out one send job per recipient.</b> The rate is per
 * business, so parallel sends would buy no speed, only waiting: thousands of queued jobs each
 * holding a worker slot (or a scheduled time) until the business's turn. One job is also one
 * progress writer (the original system's racing progress bars came from many), one thing to
 * cancel, and one lease that stops the sending within a heartbeat of a cancel.
 *
 * <p><b>Exactly once per recipient.</b> Each recipient's state is in the store (pending, then
 * sent or failed, once); a rerun (after a worker died, a retry, a requeue) sends only to those
 * still pending. The one it was sending to when it died may have got the message: its gateway
 * idempotency key is the run and the recipient, so the resend is answered {@code duplicate} and
 * counted as sent, not delivered twice.
 *
 * <p><b>Failures.</b> A recipient the gateway refuses as not on WhatsApp (422) is marked failed
 * and the run goes on. A refusal that concerns the whole business (bad secret, unknown tenant,
 * logged-out session, no gateway configured, a request the gateway calls invalid) ends the run as
 * failed and fails the job at once: requeueing it after the fix resumes the run. A retryable
 * answer (5xx, 429, a send still in flight, a timeout) retries the job per its policy, not before
 * {@code Retry-After}, and the retry resumes where this attempt stopped.
 *
 * <p><b>Cancel.</b> The job reports progress before each send and while it waits for its pace,
 * at least every {@link #CANCEL_CHECK}; a cancelled job learns it there (and from the worker's
 * interrupt) and stops. Marking the run cancelled is the cancel's own business
 * ({@link CancelRunService}), so a job that is stopped for another reason (a shutdown, a lost
 * lease) never marks a run it has not finished.
 */
public final class BroadcastJob implements JobHandler {

    /**
     * About an hour of retries for a gateway that is down; one attempt may run six hours (10,000
     * recipients at half a message a second). A retry or rerun resumes, so neither bounds the run.
     */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("broadcast_job", Queues.BROADCASTS,
            RetryPolicy.of(10, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
                    Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
                    Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30)),
            Duration.ofHours(6), new Codec(), BroadcastJob::new);

    public static final String FINISHED_EVENT = "broadcast.finished";
    /** The longest the job goes without learning whether it was cancelled. */
    static final Duration CANCEL_CHECK = Duration.ofMillis(200);
    /** Pending recipients read per query. */
    static final int BATCH = 200;
    /** A business-wide refusal's gateway statuses are all but these, which concern one recipient. */
    private static final int NOT_ON_WHATSAPP = 422;

    /** @param runId the business's run id (the broadcast's, and the job's {@code run_id}) */
    public record Args(String runId) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("run_id", a.runId()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("run_id"));
        }
    }

    /**
     * The one job of a run: deduplicated on the business and run id, and carrying the run id, so
     * {@code POST /api/runs/{run}/cancel} reaches it.
     */
    public static JobRequest request(String businessId, String traceId, String runId) {
        return DEFINITION.deduplicatedRequest(new Args(runId), businessId, traceId, dedupeKey(businessId, runId),
                DedupeKeys.EVENT_TTL).withRunId(runId);
    }

    /** {@code broadcast:<business>:<run>}. */
    static String dedupeKey(String businessId, String runId) {
        return DedupeKeys.bounded("broadcast:", DedupeKeys.part(businessId) + ":" + DedupeKeys.part(runId));
    }

    /**
     * The gateway's idempotency key of one recipient's message: the same on every attempt, so the
     * gateway sends it once. Unique per business (the gateway keys results by tenant too).
     */
    static String clientMessageId(String runId, String recipient) {
        return "broadcast:" + runId + ":" + recipient;
    }

    /** Where a recipient is reached: {@code +5511…} as its phone JID, a privacy id as it is. */
    static String jid(String recipient) {
        return recipient.startsWith("+") ? recipient.substring(1) + "@s.whatsapp.net" : recipient;
    }

    /**
     * The {@code broadcast.finished} deliveries of an ended run to {@code subscribed}; the event id
     * comes from the run and its outcome, so announcing it again (a rerun) delivers it once.
     */
    public static List<JobRequest> finishedEvent(List<WebhookEndpoint> subscribed, BroadcastRun ended, String traceId,
                                                 Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run_id", ended.runId());
        data.put("status", ended.status().id());
        data.put("total", ended.total());
        data.put("sent", ended.sent());
        data.put("failed", ended.failed());
        data.put("remaining", ended.remaining());
        data.put("error", ended.error().orElse(null));
        data.put("started_at", ended.startedAt().map(Instant::toString).orElse(null));
        data.put("finished_at", ended.finishedAt().map(Instant::toString).orElse(null));
        String eventId = WebhookEvents.eventIdFor("broadcast:" + DedupeKeys.part(ended.businessId()) + ":"
                + DedupeKeys.part(ended.runId()) + ":" + ended.status().id());
        return WebhookEvents.requests(subscribed, ended.businessId(), traceId, eventId, FINISHED_EVENT, at, data);
    }

    private final BroadcastRepository broadcasts;
    private final WhatsAppGateway gateway;
    private final SendPacer pacer;
    private final WebhookEvents webhooks;
    private final JobQueue jobs;
    private final Clock clock;

    public BroadcastJob(JobCollaborators c) {
        this.broadcasts = c.broadcasts();
        this.gateway = c.whatsApp();
        this.pacer = c.broadcastPacer();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
        this.jobs = c.jobs();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        String business = job.businessId();
        Optional<BroadcastRun> started = broadcasts.start(business, args.runId());
        if (started.isEmpty()) {
            Optional<BroadcastRun> found = broadcasts.find(business, args.runId());
            if (found.isPresent() && found.get().status().isFinal()) {
                return result(found.get(), "the run is " + found.get().status().id() + ": nothing to send");
            }
            // The api enqueues this job inside the transaction that writes the run and commits
            // just after, so a quick worker can get here before the run is visible (or see it
            // appear between the two reads above).
            started = broadcasts.start(business, args.runId());
            if (started.isEmpty()) {
                throw JobFailure.retryAfter("no broadcast run " + args.runId() + " (yet)", null,
                        Optional.of(Duration.ofSeconds(1)));
            }
        }
        Progress progress = new Progress(job.progress(), started.get());
        progress.report(true);
        for (List<String> batch = broadcasts.pending(business, args.runId(), BATCH); !batch.isEmpty();
             batch = broadcasts.pending(business, args.runId(), BATCH)) {
            for (String recipient : batch) {
                awaitTurn(business, progress);
                progress.report(true);   // the cancel check before each send: after a cancel, at most one more goes out
                sendTo(job, started.get(), recipient, progress);
            }
        }
        List<WebhookEndpoint> subscribed = webhooks.subscribed(business, FINISHED_EVENT);
        Optional<BroadcastRun> ended = broadcasts.end(business, args.runId(), BroadcastStatus.COMPLETED,
                Optional.empty(), run -> announce(subscribed, run, job.traceId()));
        if (ended.isPresent()) {
            progress.done(ended.get());
            return result(ended.get(), "completed");
        }
        // Ended meanwhile by someone else: a cancel that came as the last message went out.
        BroadcastRun last = broadcasts.find(business, args.runId()).orElseThrow();
        return result(last, "the run is " + last.status().id());
    }

    /** Waits for the business's next send slot, checking for a cancel while it waits. */
    private void awaitTurn(String business, Progress progress) {
        try {
            while (!pacer.await(business, CANCEL_CHECK)) {
                progress.report(true);
            }
        } catch (InterruptedException e) {
            // The worker interrupts for a cancel, a shutdown or a lost lease; it knows which, and
            // settles the attempt accordingly. Not a cancel of our own making.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the business's send rate", e);
        }
    }

    private void sendTo(JobExecution job, BroadcastRun run, String recipient, Progress progress) {
        String business = run.businessId();
        OutgoingWhatsAppMessage message;
        try {
            message = new OutgoingWhatsAppMessage(business, jid(recipient), run.message(),
                    clientMessageId(run.runId(), recipient));
        } catch (IllegalArgumentException e) {
            if (broadcasts.markFailed(business, run.runId(), recipient, "cannot send: " + e.getMessage())) {
                progress.failed();
            }
            return;
        }
        SentWhatsAppMessage sent;
        try {
            sent = gateway.send(message);
        } catch (WhatsAppSendException e) {
            String what = "gateway " + (e.status() == 0 ? "unreachable" : "answered " + e.status()) + ": " + e.getMessage();
            if (e.retryable()) {
                throw JobFailure.retryAfter(what + " (the retry resumes at " + recipient + ")", e, e.retryAfter());
            }
            if (e.status() == NOT_ON_WHATSAPP) {
                if (broadcasts.markFailed(business, run.runId(), recipient, what)) {
                    progress.failed();
                }
                return;
            }
            List<WebhookEndpoint> subscribed = webhooks.subscribed(business, FINISHED_EVENT);
            broadcasts.end(business, run.runId(), BroadcastStatus.FAILED, Optional.of(what),
                    ended -> announce(subscribed, ended, job.traceId()));
            throw JobFailure.permanent(what + " (requeue the job to resume the run once that is fixed)", e);
        }
        if (broadcasts.markSent(business, run.runId(), recipient, sent.messageId())) {
            progress.sent();
        }
    }

    private void announce(List<WebhookEndpoint> subscribed, BroadcastRun ended, String traceId) {
        finishedEvent(subscribed, ended, traceId, clock.instant()).forEach(jobs::enqueue);
    }

    private static Map<String, Object> result(BroadcastRun run, String outcome) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run_id", run.runId());
        result.put("status", run.status().id());
        result.put("total", run.total());
        result.put("sent", run.sent());
        result.put("failed", run.failed());
        result.put("remaining", run.remaining());
        result.put("outcome", outcome);
        return result;
    }

    /**
     * The run's counts as this attempt moves them, reported as the job's progress: the share of
     * recipients done, which only grows. Each report is also the job's cancellation point.
     */
    private final class Progress {
        private final JobProgress sink;
        private final int total;
        private int sent;
        private int failed;
        private int lastPercent = -1;
        private long lastReportMillis;

        Progress(JobProgress sink, BroadcastRun run) {
            this.sink = sink;
            this.total = run.total();
            this.sent = run.sent();
            this.failed = run.failed();
        }

        void sent() {
            sent++;
        }

        void failed() {
            failed++;
        }

        /** Reports when the percentage moved or a cancel check is due ({@code now}: always). */
        void report(boolean now) {
            int percent = total == 0 ? 100 : (int) ((sent + failed) * 100L / total);
            long millis = clock.millis();
            if (now || percent != lastPercent || millis - lastReportMillis >= CANCEL_CHECK.toMillis()) {
                // Throws JobCancelledException when the job was cancelled: it ends the attempt.
                sink.report(percent, "sent " + sent + ", failed " + failed + ", remaining "
                        + Math.max(0, total - sent - failed) + " of " + total);
                lastPercent = percent;
                lastReportMillis = millis;
            }
        }

        void done(BroadcastRun run) {
            sink.report(100, run.status().id() + ": sent " + run.sent() + ", failed " + run.failed() + " of "
                    + run.total());
        }
    }
}
