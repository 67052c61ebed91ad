package dev.switchboard.ports.in;

/**
 * One live media stream, as the provider's frames arrive (in order, one at a time). Any call may
 * be the last: after {@link #ended} nothing more arrives, and the session must have released
 * everything it holds.
 */
public interface MediaStreamSession {

    /** The stream started: who is calling, for which business. */
    void started(MediaStreamStart start);

    /** One inbound audio frame: μ-law, 8 kHz, mono (Twilio sends 160 bytes per 20 ms). */
    void media(byte[] mulaw);

    /** Playback reached a mark we sent earlier (or it was cleared). */
    void mark(String name);

    /** The caller pressed a key: 0-9, * or #. */
    void dtmf(String digit);

    /** The provider ended the stream normally (the caller hung up, or the stream was stopped). */
    void stopped();

    /**
     * The stream is over for another reason: the socket closed or failed without {@code stop}, or
     * the adapter refused a frame (malformed, oversized, binary, unknown event). Idempotent.
     */
    void ended(String reason);
}
