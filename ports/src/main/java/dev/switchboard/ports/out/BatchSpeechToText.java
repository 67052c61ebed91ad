package dev.switchboard.ports.out;

import java.time.Duration;

/**
 * Speech-to-text for recorded audio, one short piece at a time (Google's synchronous
 * {@code Recognize}, which takes at most a minute of audio per request): a caller with a longer
 * recording splits it into pieces of at most {@link #MAX_PIECE} and joins the transcripts.
 */
public interface BatchSpeechToText {

    /** The longest piece {@link #transcribe} is given: under Google's one-minute limit with room to spare. */
    Duration MAX_PIECE = Duration.ofSeconds(55);

    /** Whether anything transcribes: false for the "transcription off" default. */
    boolean enabled();

    /**
     * The transcript of one piece of audio, empty when nothing was said.
     *
     * @throws SpeechRecognitionException when the service refused the audio, could not be reached or
     *     did not answer within the implementation's deadline, or the calling thread was interrupted
     *     (its interrupt status is kept): a transcription never outlives its deadline or its caller
     */
    String transcribe(RecordingAudio piece);

    /** Transcription off: nothing is transcribed. */
    BatchSpeechToText OFF = new BatchSpeechToText() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public String transcribe(RecordingAudio piece) {
            throw new IllegalStateException("speech-to-text is off (GOOGLE_SPEECH_ENDPOINT unset)");
        }
    };

    /** The service refused, or could not be reached; {@code retryable} says whether trying later may help. */
    class SpeechRecognitionException extends RuntimeException {
        private final boolean retryable;

        public SpeechRecognitionException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
