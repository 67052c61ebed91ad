package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;
import dev.switchboard.ports.out.OutboundCallState;
import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.ports.out.OutboundTelephony.KnownCall;
import dev.switchboard.ports.out.OutboundTelephony.TelephonyException;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code place_outbound_call_job} (queue {@code high}): places the outbound call of one request
 * ({@code POST /api/calls}) through the business's Twilio number; the answered call runs the TwiML
 * stored with the request, which connects it to the calls role's media stream like an inbound call.
 *
 * <p><b>At most once per request.</b> Twilio has no idempotency key for creating a call, so a
 * create sent twice dials the customer twice. The request's row in the store decides who may send
 * it: the job moves it {@code requested -> placing} (one conditional update, so one run wins)
 * <em>before</em> it sends the create, and settles it after: {@code placed} with the call's sid,
 * {@code failed} when Twilio refused (4xx: no call exists), {@code unknown} when the answer was a
 * 5xx, late or lost (a call may exist; it is never sent again). Only a create that certainly never
 * reached Twilio (no connection, or a 429 that created nothing) goes back to {@code requested} and
 * is retried. The Twilio adapter itself never repeats a create (twilio-java's own client retries a
 * 5xx POST three times).
 *
 * <p><b>A rerun that finds {@code placing}</b> (its worker died, or lost its lease, between the two
 * writes) does not send again: it waits until a create of the dead run can no longer be in flight
 * (the adapter's request timeout after {@code placing_at}), then lists Twilio's calls from our
 * number to theirs since then. Exactly one that no other request of the business claims: that is
 * the call, {@code placed}. None, or several: {@code unknown}.
 */
public final class PlaceOutboundCallJob implements JobHandler {

    /** A few quick retries: a customer waits for this call. Retries only follow a create that was never sent. */
    static final RetryPolicy RETRY = RetryPolicy.of(5, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("place_outbound_call_job", Queues.HIGH, RETRY,
            Duration.ofMinutes(2), new Codec(), PlaceOutboundCallJob::new);

    /** How long Twilio rings the number before it gives up (its default is 60 s). */
    static final int RING_SECONDS = 30;
    /** Clocks differ: a call Twilio dated this much before our {@code placing_at} still counts. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** Beyond the adapter's request timeout, before a dead run's create counts as no longer in flight. */
    static final Duration IN_FLIGHT_SLACK = Duration.ofSeconds(2);

    /** @param requestId the business's request id */
    public record Args(String requestId) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("request_id", a.requestId()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("request_id"));
        }
    }

    /**
     * The one job of a stored request, deduplicated on the business, the request id and the row's
     * creation time. The row is part of the key because the job is enqueued inside the row's
     * transaction: when that transaction rolls back after the enqueue, the client's retry makes a
     * new row, and a key of the request id alone would answer it with the orphan job (failed by
     * then for want of a row), leaving the new request {@code requested} for ever.
     */
    public static JobRequest request(String businessId, String traceId, String requestId, java.time.Instant rowCreatedAt) {
        return DEFINITION.deduplicatedRequest(new Args(requestId), businessId, traceId,
                dedupeKey(businessId, requestId, rowCreatedAt), DedupeKeys.EVENT_TTL);
    }

    /** {@code outbound_call:<business>:<request>:<row created, epoch µs>}. */
    static String dedupeKey(String businessId, String requestId, java.time.Instant rowCreatedAt) {
        long micros = java.util.concurrent.TimeUnit.SECONDS.toMicros(rowCreatedAt.getEpochSecond()) + rowCreatedAt.getNano() / 1_000;
        return DedupeKeys.bounded("outbound_call:", DedupeKeys.part(businessId) + ":" + DedupeKeys.part(requestId)
                + ":" + micros);
    }

    private final OutboundCallRepository calls;
    private final Optional<OutboundTelephony> telephony;
    private final Clock clock;

    public PlaceOutboundCallJob(JobCollaborators c) {
        this.calls = c.outboundCalls();
        this.telephony = c.telephony();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        String business = job.businessId();
        String requestId = DEFINITION.argsOf(job).requestId();
        // The api enqueues inside the transaction that writes the request and commits just after.
        OutboundCall call = calls.find(business, requestId).orElseThrow(() -> JobFailure.retryAfter(
                "no outbound call request " + requestId + " (yet)", null, Optional.of(Duration.ofSeconds(1))));
        return switch (call.state()) {
            case PLACED, FAILED, UNKNOWN -> result(call, "already " + call.state().id() + ": nothing to do");
            case REQUESTED -> place(call);
            case PLACING -> reconcile(call);
        };
    }

    private Map<String, Object> place(OutboundCall requested) {
        OutboundTelephony twilio = twilio();
        String business = requested.businessId();
        String requestId = requested.requestId();
        Optional<OutboundCall> claimed = calls.beginPlacing(business, requestId);
        if (claimed.isEmpty()) {
            // Another run of this job moved it first; look again instead of sending.
            OutboundCall now = calls.find(business, requestId).orElseThrow();
            return now.state() == OutboundCallState.PLACING ? reconcile(now)
                    : result(now, "already " + now.state().id() + ": nothing to do");
        }
        OutboundCall call = claimed.get();
        String sid;
        try {
            sid = twilio.place(new OutboundTelephony.Placement(call.fromNumber(), call.toNumber(), call.twiml(),
                    call.statusCallback(), RING_SECONDS));
        } catch (TelephonyException e) {
            String what = "Twilio " + (e.status() == 0 ? "" : "answered " + e.status() + ": ") + e.getMessage();
            switch (e.failure()) {
                case NOT_SENT, RATE_LIMITED -> {
                    calls.backToRequested(business, requestId, what);
                    throw JobFailure.retryAfter(what + " (no call was created; retrying)", e, e.retryAfter());
                }
                case REFUSED -> {
                    calls.settle(business, requestId, OutboundCallState.FAILED, what);
                    return result(calls.find(business, requestId).orElseThrow(), "Twilio refused the call: " + what);
                }
                default -> {
                    calls.settle(business, requestId, OutboundCallState.UNKNOWN, what + " (the call may exist; it is"
                            + " not placed again)");
                    return result(calls.find(business, requestId).orElseThrow(), "unknown: " + what);
                }
            }
        }
        calls.placed(business, requestId, sid);
        return result(calls.find(business, requestId).orElseThrow(), "placed");
    }

    /** A run found {@code placing}: an earlier run may have sent the create. Find the call instead of sending. */
    private Map<String, Object> reconcile(OutboundCall placing) {
        OutboundTelephony twilio = twilio();
        String business = placing.businessId();
        String requestId = placing.requestId();
        Instant since = placing.placingAt().orElse(placing.createdAt());
        Instant settledBy = since.plus(twilio.requestTimeout()).plus(IN_FLIGHT_SLACK);
        Instant now = clock.instant();
        if (now.isBefore(settledBy)) {
            throw JobFailure.retryAfter("placing since " + since + ": a create may still be in flight; looking the call"
                    + " up once it cannot be", null, Optional.of(Duration.between(now, settledBy)));
        }
        List<KnownCall> listed;
        try {
            listed = twilio.callsSince(placing.fromNumber(), placing.toNumber(), since.minus(CLOCK_SKEW));
        } catch (TelephonyException e) {
            // A list is a read: asking again is harmless. The request stays placing meanwhile.
            throw JobFailure.retryAfter("looking up an interrupted placement at Twilio failed: " + e.getMessage(), e,
                    e.retryAfter());
        }
        Set<String> claimed = calls.placedCallSids(business, placing.fromNumber(), placing.toNumber());
        List<KnownCall> candidates = listed.stream()
                .filter(c -> !claimed.contains(c.callSid()))
                .filter(c -> !c.createdAt().isBefore(since.minus(CLOCK_SKEW)))
                .toList();
        if (candidates.size() == 1 && calls.othersInDoubt(business, placing.fromNumber(), placing.toNumber(), requestId)) {
            // Another request between the same numbers is placing or unknown too: the one call
            // found may be its. Only the call's status callback (?outbound=) can tell; it settles
            // whichever request is the call's, and this one stays unknown until then.
            String why = "the placement was interrupted and Twilio lists one unclaimed call from " + placing.fromNumber()
                    + " to " + placing.toNumber() + ", but another request between them is in doubt too; the call's"
                    + " status callback will settle the request it belongs to";
            calls.settle(business, requestId, OutboundCallState.UNKNOWN, why);
            return result(calls.find(business, requestId).orElseThrow(), "unknown: " + why);
        }
        if (candidates.size() == 1) {
            calls.placed(business, requestId, candidates.get(0).callSid());
            return result(calls.find(business, requestId).orElseThrow(), "placed (found at Twilio after an interrupted"
                    + " placement)");
        }
        String why = candidates.isEmpty()
                ? "the placement was interrupted and Twilio lists no call from " + placing.fromNumber() + " to "
                        + placing.toNumber() + " since then"
                : "the placement was interrupted and Twilio lists " + candidates.size() + " unclaimed calls from "
                        + placing.fromNumber() + " to " + placing.toNumber() + " since then";
        calls.settle(business, requestId, OutboundCallState.UNKNOWN, why + "; it is not placed again");
        return result(calls.find(business, requestId).orElseThrow(), "unknown: " + why);
    }

    private OutboundTelephony twilio() {
        return telephony.orElseThrow(() -> JobFailure.permanent("no Twilio account configured on this worker: set"
                + " TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, then requeue this job (the call was not placed)", null));
    }

    private static Map<String, Object> result(OutboundCall call, String outcome) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("request_id", call.requestId());
        result.put("state", call.state().id());
        result.put("call_sid", call.callSid().orElse(null));
        result.put("outcome", outcome);
        return result;
    }
}
