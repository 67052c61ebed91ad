package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The log of one phone call: who, when, how long, how it ended, and its transcript. Open while
 * {@link #endedAt} is empty; finalized once, never reopened.
 *
 * @param callSid         the provider's id of the call (Twilio's {@code CallSid}); unique per business
 * @param leadId          the lead of the other party, once linked
 * @param direction       {@code inbound} or {@code outbound}
 * @param fromNumber      the caller as the provider reported it (E.164, {@code client:…}, {@code anonymous})
 * @param toNumber        the called party, in the same forms
 * @param streamSid       the media stream that carried the call's audio, once one started
 * @param startedAt       when the call started (its stream, or the provider's first word of it)
 * @param endedAt         when it ended; empty while open
 * @param durationSeconds whole seconds from start to end; empty while open
 * @param outcome         one of {@link #OUTCOMES}; empty while open
 * @param transcript      the turns, one line each ({@code caller: …}, {@code agent: …}), in order
 */
public record CallLog(String id, String businessId, String callSid, Optional<String> leadId, String direction,
                      Optional<String> fromNumber, Optional<String> toNumber, Optional<String> streamSid,
                      Instant startedAt, Optional<Instant> endedAt, Optional<Integer> durationSeconds,
                      Optional<String> outcome, Optional<String> transcript, Instant createdAt, Instant updatedAt) {

    /**
     * How a call can end: the media stream's verdict ({@code completed}: Twilio's {@code stop};
     * {@code interrupted}: the stream ended any other way, or its calls process died), or the
     * provider's for a call that never reached a stream ({@code busy}, {@code no-answer},
     * {@code canceled}, {@code failed}).
     */
    public static final Set<String> OUTCOMES = Set.of("completed", "interrupted", "failed", "busy", "no-answer",
            "canceled");

    public CallLog {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(fromNumber, "fromNumber");
        Objects.requireNonNull(toNumber, "toNumber");
        Objects.requireNonNull(streamSid, "streamSid");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(durationSeconds, "durationSeconds");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(transcript, "transcript");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean finalized() {
        return endedAt.isPresent();
    }
}
