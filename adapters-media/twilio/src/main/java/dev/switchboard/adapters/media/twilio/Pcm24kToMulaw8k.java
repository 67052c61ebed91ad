package dev.switchboard.adapters.media.twilio;

import java.io.ByteArrayOutputStream;

/**
 * Streaming conversion of 24 kHz signed 16-bit little-endian PCM (what OpenAI-compatible
 * {@code /audio/speech} returns for {@code response_format=pcm}) to 8 kHz μ-law for Twilio:
 * a 63-tap windowed-sinc (Hamming) low-pass at 3.6 kHz, then every third sample
 * (shared/specs/ai-chat-and-speech.md §4). Never decimate without the low-pass: 4-12 kHz would
 * alias into the speech band.
 *
 * <p>Chunks may end in the middle of a sample: the odd byte is carried to the next chunk, so any
 * split of the input gives the same output as one pass. Not thread-safe: one per utterance.
 */
public final class Pcm24kToMulaw8k {
    private static final int TAPS = 63;
    private static final double[] H = taps();

    private final double[] ring = new double[TAPS];
    private int head;
    private long samples;
    private int pendingByte = -1;

    static double[] taps() {
        double fc = 3600;
        double fs = 24000;
        double[] h = new double[TAPS];
        double sum = 0;
        for (int i = 0; i < TAPS; i++) {
            double x = 2 * fc / fs * (i - (TAPS - 1) / 2.0);
            double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
            h[i] = sinc * (0.54 - 0.46 * Math.cos(2 * Math.PI * i / (TAPS - 1)));
            sum += h[i];
        }
        for (int i = 0; i < TAPS; i++) {
            h[i] /= sum;
        }
        return h;
    }

    /** Converts the next chunk; returns the μ-law samples it completes (possibly none). */
    public byte[] convert(byte[] pcm, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 6 + 1);
        int i = offset;
        int end = offset + length;
        if (pendingByte >= 0 && i < end) {
            push((short) ((pendingByte & 0xFF) | (pcm[i] << 8)), out);
            pendingByte = -1;
            i++;
        }
        for (; i + 1 < end; i += 2) {
            push((short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8)), out);
        }
        if (i < end) {
            pendingByte = pcm[i] & 0xFF;
        }
        return out.toByteArray();
    }

    public byte[] convert(byte[] pcm) {
        return convert(pcm, 0, pcm.length);
    }

    private void push(short sample, ByteArrayOutputStream out) {
        ring[head] = sample;
        // y[m] = sum_k h[k] * x[3m - k]: emitted when the newest input sample is x[3m].
        if (samples % 3 == 0) {
            double y = 0;
            int idx = head;
            for (int k = 0; k < TAPS; k++) {
                y += H[k] * ring[idx];
                idx = idx == 0 ? TAPS - 1 : idx - 1;
            }
            out.write(MuLaw.encode((int) Math.max(-32768, Math.min(32767, Math.round(y)))));
        }
        head = (head + 1) % TAPS;
        samples++;
    }
}
