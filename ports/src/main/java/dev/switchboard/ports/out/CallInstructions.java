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

    /** Refuses the call politely, before it is answered. */
    String rejectCall();
}
