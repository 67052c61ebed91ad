package dev.switchboard.ports.out;

/**
 * Streaming speech-to-text for one call's inbound audio (μ-law, 8 kHz, mono). One process-wide
 * instance; one {@link Stream} per call.
 */
public interface SpeechToText {

    /** Whether anything transcribes: false for the "transcription off" default. */
    boolean enabled();

    /** Opens a stream whose results go to {@code listener} (on the implementation's threads). */
    Stream open(String languageCode, Listener listener);

    /** One call's audio in. Not required to be thread-safe: one sender per stream. */
    interface Stream extends AutoCloseable {
        /** Audio in arrival order; never lost across the implementation's internal restarts. */
        void send(byte[] mulaw);

        /** Half-closes: results still pending are delivered, then nothing more. Idempotent. */
        @Override
        void close();

        /**
         * After {@link #close()}: waits up to {@code wait} until the results still pending (the
         * caller's last words) have been delivered. True when they have; at once when there is
         * nothing to wait for.
         */
        default boolean awaitClosed(java.time.Duration wait) {
            return true;
        }
    }

    /** Results, in order. Implementations never call it after {@link Stream#close()} returns and its results drained. */
    interface Listener {
        /** A hypothesis that may still change; {@code stability} 0..1, 0 when unknown. */
        void interim(String transcript, float stability);

        /** A settled piece of the caller's speech: the end of a caller turn when not blank. */
        void finalResult(String transcript);

        /** Transcription stopped for good on this stream (the call goes on without it). */
        void failed(Throwable cause);
    }

    /** Transcription off: accepts and drops audio. */
    SpeechToText OFF = new SpeechToText() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Stream open(String languageCode, Listener listener) {
            return new Stream() {
                @Override
                public void send(byte[] mulaw) {
                }

                @Override
                public void close() {
                }
            };
        }
    };
}
