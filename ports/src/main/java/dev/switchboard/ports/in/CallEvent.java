package dev.switchboard.ports.in;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Something the telephony provider (Twilio) told us about one call, already read from its wire
 * format. Each kind carries only what the provider sends for it
 * (docs/twilio.md, "Voice and status callbacks").
 */
public sealed interface CallEvent {

    /** Provider ids are letters and digits; a bound keeps them usable inside dedupe keys. */
    Pattern SID = Pattern.compile("[A-Za-z0-9]{2,64}");

    /** The provider's id of the call (Twilio's {@code CallSid}). */
    String callSid();

    /**
     * The voice webhook: a call reached one of our numbers, or a call we placed was answered and
     * asks what to do.
     *
     * @param callStatus the status the provider reported, usually {@code ringing} or {@code in-progress}
     */
    record CallStarted(String callSid, CallParties parties, Optional<String> callStatus) implements CallEvent {
        public CallStarted {
            requireSid(callSid, "CallSid");
            Objects.requireNonNull(parties, "parties");
            Objects.requireNonNull(callStatus, "callStatus");
            if (parties.from().isEmpty() || parties.to().isEmpty()) {
                throw new InvalidCommandException("a started call needs From and To");
            }
        }
    }

    /**
     * A call status callback.
     *
     * @param callStatus     {@code queued}, {@code initiated}, {@code ringing}, {@code in-progress},
     *                       {@code completed}, {@code busy}, {@code failed}, {@code no-answer} or
     *                       {@code canceled}
     * @param callDuration   seconds the call lasted ({@code completed} only)
     * @param sequenceNumber the callback's order among this call's callbacks (arrival order is not)
     * @param timestamp      when the status changed, as the provider wrote it (RFC 2822)
     */
    record CallStatusChanged(String callSid, CallParties parties, String callStatus,
                             Optional<Long> callDuration, Optional<Long> sequenceNumber,
                             Optional<String> timestamp) implements CallEvent {
        public CallStatusChanged {
            requireSid(callSid, "CallSid");
            Objects.requireNonNull(parties, "parties");
            Objects.requireNonNull(callStatus, "callStatus");
            Objects.requireNonNull(callDuration, "callDuration");
            Objects.requireNonNull(sequenceNumber, "sequenceNumber");
            Objects.requireNonNull(timestamp, "timestamp");
            if (callStatus.isBlank()) {
                throw new InvalidCommandException("CallStatus must not be blank");
            }
        }
    }

    /**
     * A recording status callback.
     *
     * @param recordingStatus   {@code in-progress}, {@code completed}, {@code absent} or {@code failed}
     * @param recordingUrl      where the media is, without extension; present when completed
     * @param recordingDuration seconds of audio
     * @param recordingChannels 1 or 2
     * @param recordingSource   what made the recording ({@code RecordVerb}, {@code DialVerb}, …)
     */
    record RecordingStatusChanged(String callSid, String recordingSid, String recordingStatus,
                                  Optional<String> recordingUrl, Optional<Long> recordingDuration,
                                  Optional<Long> recordingChannels, Optional<String> recordingSource)
            implements CallEvent {
        public RecordingStatusChanged {
            requireSid(callSid, "CallSid");
            requireSid(recordingSid, "RecordingSid");
            Objects.requireNonNull(recordingStatus, "recordingStatus");
            Objects.requireNonNull(recordingUrl, "recordingUrl");
            Objects.requireNonNull(recordingDuration, "recordingDuration");
            Objects.requireNonNull(recordingChannels, "recordingChannels");
            Objects.requireNonNull(recordingSource, "recordingSource");
            if (recordingStatus.isBlank()) {
                throw new InvalidCommandException("RecordingStatus must not be blank");
            }
        }
    }

    private static void requireSid(String sid, String name) {
        Objects.requireNonNull(sid, name);
        if (!SID.matcher(sid).matches()) {
            throw new InvalidCommandException(name + " must be 2..64 letters and digits");
        }
    }
}
