package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.WebhookEndpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code finalize_call_log_job}: a call ended. Writes its end, duration, outcome and transcript
 * once, and publishes {@code call.completed} to the business's webhooks in the same step: the
 * {@code send_webhook_job}s are enqueued while the finalization is uncommitted, and it commits only
 * after they are queued, so the event goes out if and only if the call is finalized (a rerun
 * enqueues the same deliveries again, folded by their dedupe keys). A finalized call is never
 * changed again, whoever asks.
 *
 * <p>Who says how a call ended ({@code source}):
 * <ul>
 *   <li>{@code stream}: the calls process that carried the call, when its stream ends:
 *       {@code completed} after Twilio's {@code stop}, {@code interrupted} after anything else. It
 *       names how many turns it enqueued; the job waits (retries, a few seconds apart) until they
 *       are saved, so the transcript and the event have them all, and finalizes anyway on its last
 *       attempt.</li>
 *   <li>{@code sweep}: {@link FinalizeAbandonedCallsJob}, for a call whose calls process died
 *       ({@code interrupted}, ending at its last turn).</li>
 *   <li>{@code twilio}: the status callback, Twilio's word for calls that never reached a stream
 *       ({@code busy}, {@code no-answer}, {@code canceled}, {@code failed}, or {@code completed}
 *       without a stream). A {@code completed} call that a stream carried is left to the stream's
 *       verdict (or the sweep's), so a calls process killed mid-call shows as interrupted.</li>
 * </ul>
 * The stream and the sweep share one dedupe key per call, so only one of them can ever be queued.
 */
public final class FinalizeCallLogJob implements JobHandler {

    public static final RetryPolicy RETRY = RetryPolicy.of(5, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("finalize_call_log_job", Queues.DEFAULT,
            RETRY, Duration.ofMinutes(1), new Codec(), FinalizeCallLogJob::new);

    /** The webhook event a finalized call publishes. */
    public static final String EVENT = "call.completed";
    /** How long to wait for the turns a stream enqueued before its end. */
    static final Duration TURN_WAIT = Duration.ofSeconds(2);

    /** Who says how the call ended. */
    public enum Source {
        STREAM, SWEEP, TWILIO;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Source of(String wire) {
            for (Source s : values()) {
                if (s.wire().equals(wire)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("job argument 'source' must be stream, sweep or twilio");
        }
    }

    /**
     * @param start  what is known of the call, to open its log when no other job did
     * @param end    how it ended (empty end: at the last sign of life in the store)
     * @param turns  how many turns the stream enqueued (stream only)
     * @param reason why, in words, for the job's result (e.g. "stop", "socket closed", Twilio's status)
     */
    public record Args(CallLogStart start, Source source, CallLogEnd end, Optional<Integer> turns,
                       Optional<String> reason) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return CallArgs.put(Kwargs.builder(), a.start())
                    .put("source", a.source().wire())
                    .put("outcome", a.end().outcome())
                    .put("ended_at", a.end().endedAt().map(Instant::toString))
                    .put("duration_seconds", a.end().durationSeconds())
                    .put("turns", a.turns())
                    .put("reason", a.reason())
                    .build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            return new Args(CallArgs.start(kwargs), Source.of(kwargs.string("source")),
                    new CallLogEnd(kwargs.string("outcome"), CallArgs.instant(kwargs, "ended_at"),
                            kwargs.optionalLong("duration_seconds").map(FinalizeCallLogJob::count)),
                    kwargs.optionalLong("turns").map(FinalizeCallLogJob::count), kwargs.optionalString("reason"));
        }
    }

    private static int count(long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a count out of range: " + value);
        }
        return (int) value;
    }

    private final CallLogRepository calls;
    private final WebhookEvents webhooks;
    private final JobQueue jobs;

    public FinalizeCallLogJob(JobCollaborators c) {
        this.calls = c.callLogs();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
        this.jobs = c.jobs();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        CallLogStart start = args.start();
        CallArgs.requireOwnBusiness(job, start.businessId());
        String business = start.businessId();
        String sid = start.callSid();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("source", args.source().wire());
        Optional<CallLog> existing = calls.find(business, sid);
        if (existing.isPresent() && existing.get().finalized()) {
            result.put("finalized", "already");
            result.put("outcome", existing.get().outcome().orElseThrow());
            return result;
        }
        if (args.source() == Source.TWILIO && args.end().outcome().equals("completed")
                && existing.flatMap(CallLog::streamSid).isPresent()) {
            result.put("finalized", "no: its media stream gives the verdict (or the sweep, if its calls process died)");
            return result;
        }
        if (args.turns().isPresent()) {
            int saved = existing.isPresent() ? calls.turns(business, sid).size() : 0;
            if (saved < args.turns().get() && job.attempt() <= RETRY.max()) {
                throw JobFailure.retryAfter("waiting for " + (args.turns().get() - saved)
                        + " turn(s) of the call to be saved", null, Optional.of(TURN_WAIT));
            }
        }
        if (existing.isEmpty()) {
            calls.open(start);
        }
        // Read before the finalization's transaction, which then holds its connection only to enqueue.
        List<WebhookEndpoint> subscribed = webhooks.subscribed(business, EVENT);
        Optional<CallLogRepository.Finalization> done = calls.finalizeOnce(business, sid, args.end(), log -> {
            List<JobRequest> events = WebhookEvents.requests(subscribed, business, job.traceId(),
                    eventId(business, sid), EVENT, log.endedAt().orElseThrow(), event(log));
            if (!events.isEmpty()) {
                jobs.enqueueAll(events);
            }
            result.put("webhooks", events.size());
        });
        CallLog log = done.orElseThrow(() -> new IllegalStateException("call log " + sid + " vanished")).log();
        result.put("finalized", done.get().finalizedNow() ? "now" : "already");
        result.put("outcome", log.outcome().orElseThrow());
        result.put("duration_seconds", log.durationSeconds().orElseThrow());
        args.reason().ifPresent(r -> result.put("reason", r));
        return result;
    }

    /** One event id per call, so a rerun (or a second finalizer) publishes the same event. */
    static String eventId(String businessId, String callSid) {
        return WebhookEvents.eventIdFor(EVENT + ":" + DedupeKeys.part(businessId) + ":" + DedupeKeys.part(callSid));
    }

    static Map<String, Object> event(CallLog log) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("call_sid", log.callSid());
        data.put("call_log_id", log.id());
        data.put("lead_id", log.leadId().orElse(null));
        data.put("direction", log.direction());
        data.put("from_number", log.fromNumber().orElse(null));
        data.put("to_number", log.toNumber().orElse(null));
        data.put("started_at", log.startedAt().toString());
        data.put("ended_at", log.endedAt().map(Instant::toString).orElse(null));
        data.put("duration_seconds", log.durationSeconds().orElse(null));
        data.put("outcome", log.outcome().orElse(null));
        data.put("transcript", log.transcript().orElse(null));
        return data;
    }
}
