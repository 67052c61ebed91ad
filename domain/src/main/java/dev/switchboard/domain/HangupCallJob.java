package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.ports.out.OutboundTelephony.HangUp;
import dev.switchboard.ports.out.OutboundTelephony.TelephonyException;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code hangup_call_job} (queue {@code high}): ends one call at Twilio ({@code Status=completed},
 * through the same non-retrying client as outbound calls). The calls role enqueues it when it ends
 * a call by itself rather than because Twilio said {@code stop}: no media for
 * {@code CALL_MEDIA_TIMEOUT}, a socket reaped without {@code stop}, bad input from the stream, the
 * role stopping. Closing the socket alone makes Twilio run the TwiML after {@code </Connect>}
 * ({@code <Hangup/>}), which some setups do not honour; this makes the end certain.
 *
 * <p><b>Idempotent</b>, unlike a create: a call that has already ended (Twilio answers 404, or
 * 21220 "not in progress") counts as done, and a 5xx, a timeout or a 429 is simply retried under
 * the job's policy. A refusal that says nothing about the call (wrong credentials) fails at once.
 * One job per call sid (deduplicated), whichever end the calls role saw.
 */
public final class HangupCallJob implements JobHandler {

    /** Soon and a few times: a call nobody speaks in still costs by the minute. */
    static final RetryPolicy RETRY = RetryPolicy.of(5, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("hangup_call_job", Queues.HIGH, RETRY,
            Duration.ofMinutes(2), new Codec(), HangupCallJob::new);

    /** The event name in the dedupe key {@code twilio:<CallSid>:hangup:hangup_call_job}. */
    static final String EVENT = "hangup";

    /**
     * @param callSid Twilio's call sid: letters and digits only ({@link CallEvent#SID}), since the SDK
     *                puts it in the request's path, where a {@code /} or {@code ..} would name another resource
     * @param reason  why the calls role ended the call (for the job's record and the log)
     */
    public record Args(String callSid, Optional<String> reason) {
        public Args {
            java.util.Objects.requireNonNull(callSid, "callSid");
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("call_sid", a.callSid()).put("reason", a.reason()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            // Checked where the sid is used, not where the calls role enqueues: the SDK puts it in
            // the request's path, and the calls role must still end (and log) a call whatever its sid.
            String callSid = k.string("call_sid");
            if (!CallEvent.SID.matcher(callSid).matches()) {
                throw new IllegalArgumentException("job argument 'call_sid' must be 2..64 letters and digits");
            }
            return new Args(callSid, k.optionalString("reason"));
        }
    }

    /** The one hang-up of a call, deduplicated on its sid: a second end of the same call adds nothing. */
    public static JobRequest request(String businessId, String traceId, String callSid, String reason) {
        return DEFINITION.deduplicatedRequest(new Args(callSid, Optional.of(reason)), businessId, traceId,
                CallDedupeKeys.callEvent(callSid, EVENT, DEFINITION.name()), CallDedupeKeys.TTL);
    }

    private final Optional<OutboundTelephony> telephony;

    public HangupCallJob(JobCollaborators c) {
        this.telephony = c.telephony();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        OutboundTelephony twilio = telephony.orElseThrow(() -> JobFailure.permanent("no Twilio account configured on"
                + " this worker: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the call " + args.callSid()
                + " was not hung up through the API; its TwiML ends it once the stream closes)", null));
        HangUp outcome;
        try {
            outcome = twilio.hangUp(args.callSid());
        } catch (TelephonyException e) {
            String what = "Twilio " + (e.status() == 0 ? "" : "answered " + e.status() + ": ") + e.getMessage();
            if (e.failure() == OutboundTelephony.Failure.REFUSED) {
                throw JobFailure.permanent(what + " (not retried: asking again gets the same answer)", e);
            }
            // Hanging up twice ends the call once: any doubt is settled by asking again.
            throw JobFailure.retryAfter(what + " (retrying)", e, e.retryAfter());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_sid", args.callSid());
        result.put("outcome", outcome == HangUp.ENDED ? "hung up" : "already ended");
        return result;
    }
}
