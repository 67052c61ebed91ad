package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.out.TextToSpeech;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The synthesizer used when no TTS service is configured: needs no keys and no network, and makes
 * audible, valid 8 kHz μ-law. It is not speech: each word becomes a short two-formant vowel-like
 * tone whose pitch follows the word's letters, with a gap between words and a longer pause at
 * punctuation, so a caller hears that the agent is talking, at the pace of speech (about 2.5 words
 * per second). Deterministic: the same text gives the same bytes.
 *
 * <p>Cheap, because many calls may answer at the same moment: the tones come from one sine table
 * (phase accumulators, no {@code Math.sin} per sample), and the first chunk is one 20 ms frame, so
 * a call's answer can start playing before the rest of the sentence is made.
 */
public final class EmbeddedTextToSpeech implements TextToSpeech {
    private static final int RATE = 8000;
    private static final int FIRST_CHUNK = 160;
    private static final int CHUNK = 1600;
    /** One sine period; a phase is a 32-bit fraction of it, its top {@link #TABLE_BITS} bits the index. */
    private static final int TABLE_BITS = 12;
    private static final float[] SINE = new float[1 << TABLE_BITS];

    static {
        for (int i = 0; i < SINE.length; i++) {
            SINE[i] = (float) Math.sin(2 * Math.PI * i / SINE.length);
        }
    }

    @Override
    public void synthesize(String text, Consumer<byte[]> audio) {
        Chunks out = new Chunks(audio);
        for (String word : text.trim().split("\\s+")) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (word.isEmpty()) {
                continue;
            }
            int letters = (int) word.chars().filter(Character::isLetterOrDigit).count();
            int ms = Math.min(600, 120 + 45 * letters);
            double pitch = 110 + (Math.floorMod(word.toLowerCase().hashCode(), 60));
            double formant = 500 + Math.floorMod(word.length() * 97, 700);
            int stepPitch = step(pitch);
            int stepFormant = step(formant);
            int stepOvertone = step(2 * formant);
            int phasePitch = 0;
            int phaseFormant = 0;
            int phaseOvertone = 0;
            int n = RATE * ms / 1000;
            for (int i = 0; i < n; i++) {
                float envelope = Math.min(1f, Math.min(i, n - i) / 240f);
                float s = 0.6f * SINE[phasePitch >>> (32 - TABLE_BITS)] + 0.3f * SINE[phaseFormant >>> (32 - TABLE_BITS)]
                        + 0.1f * SINE[phaseOvertone >>> (32 - TABLE_BITS)];
                out.add(MuLaw.encode((int) (s * envelope * 9000)));
                phasePitch += stepPitch;
                phaseFormant += stepFormant;
                phaseOvertone += stepOvertone;
            }
            char last = word.charAt(word.length() - 1);
            int pauseMs = ".!?".indexOf(last) >= 0 ? 350 : ",;:".indexOf(last) >= 0 ? 180 : 70;
            out.silence(RATE * pauseMs / 1000);
        }
        out.flush();
    }

    /** The phase step per sample of a tone of {@code hz}, as a 32-bit fraction of a period. */
    private static int step(double hz) {
        return (int) Math.round(hz / RATE * 4294967296.0);
    }

    /** Hands the audio on in chunks: one frame first, then {@link #CHUNK} bytes at a time. */
    private static final class Chunks {
        private final Consumer<byte[]> audio;
        private byte[] buffer = new byte[FIRST_CHUNK];
        private int fill;

        Chunks(Consumer<byte[]> audio) {
            this.audio = audio;
        }

        void add(byte b) {
            buffer[fill++] = b;
            if (fill == buffer.length) {
                audio.accept(buffer);
                buffer = new byte[CHUNK];
                fill = 0;
            }
        }

        void silence(int samples) {
            for (int left = samples; left > 0; ) {
                int n = Math.min(left, buffer.length - fill);
                Arrays.fill(buffer, fill, fill + n, MuLaw.SILENCE);
                fill += n;
                left -= n;
                if (fill == buffer.length) {
                    audio.accept(buffer);
                    buffer = new byte[CHUNK];
                    fill = 0;
                }
            }
        }

        void flush() {
            if (fill > 0) {
                audio.accept(Arrays.copyOf(buffer, fill));
                fill = 0;
            }
        }
    }
}
