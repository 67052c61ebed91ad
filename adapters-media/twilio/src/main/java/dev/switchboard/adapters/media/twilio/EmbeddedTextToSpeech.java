package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.out.TextToSpeech;

import java.util.function.Consumer;

/**
 * The synthesizer used when no TTS service is configured: needs no keys and no network, and makes
 * audible, valid 8 kHz μ-law. It is not speech: each word becomes a short two-formant vowel-like
 * tone whose pitch follows the word's letters, with a gap between words and a longer pause at
 * punctuation, so a caller hears that the agent is talking, at the pace of speech (about 2.5 words
 * per second). Deterministic: the same text gives the same bytes.
 */
public final class EmbeddedTextToSpeech implements TextToSpeech {
    private static final int RATE = 8000;
    private static final int CHUNK = 1600;

    @Override
    public void synthesize(String text, Consumer<byte[]> audio) {
        byte[] buffer = new byte[CHUNK];
        int[] fill = {0};
        Consumer<Byte> sink = b -> {
            buffer[fill[0]++] = b;
            if (fill[0] == CHUNK) {
                audio.accept(buffer.clone());
                fill[0] = 0;
            }
        };
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
            int n = RATE * ms / 1000;
            for (int i = 0; i < n; i++) {
                double t = (double) i / RATE;
                double envelope = Math.min(1, Math.min(i, n - i) / 240.0);
                double s = 0.6 * Math.sin(2 * Math.PI * pitch * t) + 0.3 * Math.sin(2 * Math.PI * formant * t)
                        + 0.1 * Math.sin(2 * Math.PI * 2 * formant * t);
                sink.accept(MuLaw.encode((int) (s * envelope * 9000)));
            }
            char last = word.charAt(word.length() - 1);
            int pauseMs = ".!?".indexOf(last) >= 0 ? 350 : ",;:".indexOf(last) >= 0 ? 180 : 70;
            for (int i = 0; i < RATE * pauseMs / 1000; i++) {
                sink.accept(MuLaw.SILENCE);
            }
        }
        if (fill[0] > 0) {
            byte[] rest = new byte[fill[0]];
            System.arraycopy(buffer, 0, rest, 0, fill[0]);
            audio.accept(rest);
        }
    }
}
