package dev.switchboard.ports.out;

import java.util.function.Consumer;

/**
 * Speech synthesis for calls: text in, μ-law 8 kHz mono out, delivered in chunks as it is produced
 * so playback can start before the sentence is synthesized whole.
 */
public interface TextToSpeech {

    /**
     * Synthesizes {@code text}, handing μ-law chunks (any length) to {@code audio} in order, on the
     * caller's thread. Returns when the audio is complete; an interrupt stops it early.
     *
     * @throws TextToSpeechException when no audio could be had
     */
    void synthesize(String text, Consumer<byte[]> audio);
}
