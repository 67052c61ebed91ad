package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;

/**
 * A call recording's audio as raw samples, without any file header: what the telephony provider
 * served, read from its container (Twilio's WAV), ready for speech recognition.
 *
 * @param encoding        how the samples are coded
 * @param sampleRateHertz samples per second per channel (Twilio: 8000)
 * @param channels        interleaved channels, 1 or 2
 * @param samples         the sample bytes, interleaved, little-endian for {@link Encoding#LINEAR16}
 */
public record RecordingAudio(Encoding encoding, int sampleRateHertz, int channels, byte[] samples) {

    /** The sample codings Google Speech takes as they are. */
    public enum Encoding {
        /** 16-bit signed little-endian PCM: 2 bytes per sample. */
        LINEAR16(2),
        /** G.711 μ-law: 1 byte per sample. */
        MULAW(1);

        private final int bytesPerSample;

        Encoding(int bytesPerSample) {
            this.bytesPerSample = bytesPerSample;
        }

        public int bytesPerSample() {
            return bytesPerSample;
        }
    }

    public RecordingAudio {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(samples, "samples");
        if (sampleRateHertz < 1000 || sampleRateHertz > 48_000) {
            throw new IllegalArgumentException("sample rate out of range: " + sampleRateHertz);
        }
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("1 or 2 channels, not " + channels);
        }
        if (samples.length % frameBytes(encoding, channels) != 0) {
            throw new IllegalArgumentException("audio cut inside a sample frame: " + samples.length + " bytes");
        }
    }

    /** Bytes of one sample of every channel. */
    public int frameBytes() {
        return frameBytes(encoding, channels);
    }

    /** Bytes of one second of audio. */
    public int bytesPerSecond() {
        return frameBytes() * sampleRateHertz;
    }

    public Duration duration() {
        return Duration.ofNanos(samples.length * 1_000_000_000L / bytesPerSecond());
    }

    /** The audio from byte {@code from} (inclusive) to {@code to} (exclusive), both on frame boundaries. */
    public RecordingAudio slice(int from, int to) {
        if (from < 0 || to > samples.length || from > to || from % frameBytes() != 0 || to % frameBytes() != 0) {
            throw new IllegalArgumentException("slice " + from + ".." + to + " of " + samples.length + " bytes");
        }
        return new RecordingAudio(encoding, sampleRateHertz, channels, java.util.Arrays.copyOfRange(samples, from, to));
    }

    private static int frameBytes(Encoding encoding, int channels) {
        return encoding.bytesPerSample() * channels;
    }

    @Override
    public String toString() {
        return "RecordingAudio[" + encoding + ", " + sampleRateHertz + " Hz, " + channels + " channel(s), "
                + samples.length + " bytes]";
    }
}
