package dev.switchboard.ports.out;

/** Speech synthesis failed; the call goes on without this utterance. */
public class TextToSpeechException extends RuntimeException {
    public TextToSpeechException(String message) {
        super(message);
    }

    public TextToSpeechException(String message, Throwable cause) {
        super(message, cause);
    }
}
