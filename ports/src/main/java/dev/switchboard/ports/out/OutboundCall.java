package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One request of a business for an outbound call, as stored: what to place (our number, theirs, the
 * TwiML that connects the answered call to our media stream, where Twilio reports its status) and
 * how far placing it got.
 *
 * @param requestId      the client's request id (or the one assigned); unique per business
 * @param toNumber       the number called, E.164
 * @param fromNumber     the business's Twilio number the call is placed from, E.164
 * @param leadId         the lead the call is for, when the request named one
 * @param twiml          what Twilio runs when the call is answered ({@code <Connect><Stream>})
 * @param statusCallback where Twilio posts the call's status events
 * @param callSid        Twilio's call sid, once known
 * @param error          why it failed or is unknown
 * @param jobId          the {@code place_outbound_call_job} that places it
 * @param placingAt      when a job began placing it (the create may have been sent from then on)
 * @param settledAt      when it reached a final state
 */
public record OutboundCall(String businessId, String requestId, String toNumber, String fromNumber,
                           Optional<String> leadId, String twiml, String statusCallback, OutboundCallState state,
                           Optional<String> callSid, Optional<String> error, Optional<String> jobId,
                           Instant createdAt, Optional<Instant> placingAt, Optional<Instant> settledAt) {
    public OutboundCall {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(toNumber, "toNumber");
        Objects.requireNonNull(fromNumber, "fromNumber");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(twiml, "twiml");
        Objects.requireNonNull(statusCallback, "statusCallback");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(placingAt, "placingAt");
        Objects.requireNonNull(settledAt, "settledAt");
    }

    /** True when {@code other} asks for the same call: a retried request rather than a different one. */
    public boolean sameRequestAs(NewOutboundCall other) {
        return toNumber.equals(other.toNumber()) && leadId.equals(other.leadId());
    }
}
