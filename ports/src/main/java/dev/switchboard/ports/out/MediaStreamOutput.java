package dev.switchboard.ports.out;

/**
 * What a live media stream may send back to the provider: audio, marks and clears (Twilio's
 * bidirectional Media Streams). Safe to call from several threads; messages never interleave.
 * Sends on a closed stream are dropped.
 */
public interface MediaStreamOutput {

    /** Audio to play: μ-law, 8 kHz, mono, no header. */
    void media(byte[] mulaw);

    /** A label in the outbound audio; the provider echoes it once playback reaches it. */
    void mark(String name);

    /** Drop every buffered outbound sample now (barge-in); pending marks come back at once. */
    void clear();

    /** Close the stream (normal closure); idempotent. */
    void close(String reason);

    /** False once the socket closed, from either side. */
    boolean isOpen();
}
