package dev.switchboard.adapters.media.twilio;

/**
 * G.711 μ-law, the audio of Twilio Media Streams (8 kHz, mono, one byte per sample). The BIAS/CLIP
 * form of shared/specs/ai-chat-and-speech.md §4, checked there against an independent reference
 * over every 16-bit input; {@code 0xFF} is silence.
 */
public final class MuLaw {
    /** One silent μ-law sample. */
    public static final byte SILENCE = (byte) 0xFF;

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] DECODED = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            DECODED[i] = decodeSlow((byte) i);
        }
    }

    private MuLaw() {
    }

    /** Encodes one signed 16-bit sample. */
    public static byte encode(int pcm) {
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0) {
            pcm = -pcm;
        }
        if (pcm > CLIP) {
            pcm = CLIP;
        }
        pcm += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** Decodes one μ-law byte to a signed 16-bit sample. */
    public static short decode(byte mulaw) {
        return DECODED[mulaw & 0xFF];
    }

    /** Root-mean-square level of μ-law audio, 0..32767: how loud a frame is (for barge-in). */
    public static double rms(byte[] mulaw) {
        if (mulaw.length == 0) {
            return 0;
        }
        double sum = 0;
        for (byte b : mulaw) {
            double s = decode(b);
            sum += s * s;
        }
        return Math.sqrt(sum / mulaw.length);
    }

    private static short decodeSlow(byte b) {
        int u = ~b & 0xFF;
        int t = ((u & 0x0F) << 3) + BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? BIAS - t : t - BIAS);
    }
}
