package dev.switchboard.ports.out;

import java.util.SequencedMap;

/**
 * What we answer the telephony provider's voice webhook: the document (TwiML for Twilio) that tells
 * it what to do with the call.
 */
public interface CallInstructions {

    /**
     * Connects the call's audio to our media stream endpoint (the calls role), which receives
     * {@code parameters} in order when the stream starts.
     */
    String connectToMediaStream(SequencedMap<String, String> parameters);

    /**
     * As {@link #connectToMediaStream(SequencedMap)}, and when {@code recordFor} names a business,
     * records the call too, its recording reported to that business's recording callback. An
     * implementation with recording switched off ({@code CALL_RECORDING=off}) only connects.
     */
    default String connectToMediaStream(SequencedMap<String, String> parameters, java.util.Optional<String> recordFor) {
        return connectToMediaStream(parameters);
    }

    /** Refuses the call politely, before it is answered. */
    String rejectCall();
}
