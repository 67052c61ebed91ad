package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CallLogStart;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * The keyword arguments every call job shares: what is known of the call when it started, so
 * whichever of its jobs runs first can open its log ({@code business_id}, {@code call_sid},
 * {@code direction}, {@code from_number}?, {@code to_number}?, {@code stream_sid}?,
 * {@code started_at} as ISO-8601). {@code from} is a Python keyword, hence the {@code _number}s.
 */
final class CallArgs {
    private CallArgs() {
    }

    static Kwargs.Builder put(Kwargs.Builder kwargs, CallLogStart start) {
        return kwargs.put("business_id", start.businessId())
                .put("call_sid", start.callSid())
                .put("direction", start.direction())
                .put("from_number", start.fromNumber())
                .put("to_number", start.toNumber())
                .put("stream_sid", start.streamSid())
                .put("started_at", start.startedAt().toString());
    }

    static CallLogStart start(Kwargs kwargs) {
        return new CallLogStart(kwargs.string("business_id"), kwargs.string("call_sid"), kwargs.string("direction"),
                kwargs.optionalString("from_number"), kwargs.optionalString("to_number"),
                kwargs.optionalString("stream_sid"), instant(kwargs, "started_at").orElseThrow(
                        () -> new IllegalArgumentException("job argument 'started_at' is missing")));
    }

    static Optional<Instant> instant(Kwargs kwargs, String name) {
        Optional<String> text = kwargs.optionalString(name);
        try {
            return text.map(Instant::parse);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("job argument '" + name + "' must be an ISO-8601 instant");
        }
    }

    /**
     * A call job runs for the business it was enqueued for and no other: a payload naming another
     * business (or one of Switchboard's own) is a bug, failed at once.
     */
    static void requireOwnBusiness(JobExecution job, String businessId) {
        if (!businessId.equals(job.businessId()) || BusinessScope.isReserved(businessId)) {
            throw JobFailure.permanent("business_id does not match the job's business", null);
        }
    }

    /** Twilio's {@code Direction} ({@code inbound}, {@code outbound-api}, {@code outbound-dial}, …) as the log's. */
    static String direction(Optional<String> providerDirection) {
        return providerDirection.filter(d -> d.startsWith("outbound")).map(d -> "outbound").orElse("inbound");
    }

    /** The other party of a call: the caller of an inbound call, the called number of an outbound one. */
    static Optional<String> otherParty(CallLogStart start) {
        return start.direction().equals("outbound") ? start.toNumber() : start.fromNumber();
    }
}
