package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.out.RecordingAudio;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a RIFF/WAVE file into raw samples: PCM 16-bit (format 1) or G.711 μ-law (format 7), also
 * inside {@code WAVE_FORMAT_EXTENSIBLE}, mono only. Twilio's recordings are usually 8 kHz 16-bit PCM,
 * but the header says what they are. We ask for {@code RequestedChannels=1}; a stereo file (one
 * party per channel) is refused rather than handed on, since a mono reader would hear one party.
 *
 * <p>Read as a stream, straight from the HTTP body: the samples are the one copy of the recording
 * in memory (allocated once, to the data chunk's declared size), and audio longer than
 * {@code maxDataBytes} is refused before it is read. Chunk sizes are the file's word, trusted
 * for nothing else: a chunk declaring more than the file holds ends the walk ("no data chunk").
 */
final class WavFiles {
    /** Twilio's longest call (4 hours) at 8 kHz, 16-bit, mono: 230,400,000 bytes. */
    static final long MAX_DATA_BYTES = 4L * 3600 * 8000 * 2;

    private static final int PCM = 1;
    private static final int MULAW = 7;
    private static final int EXTENSIBLE = 0xFFFE;
    /** A fmt chunk is 16, 18 or 40 bytes; anything far larger is not one. */
    private static final long MAX_FMT_BYTES = 1024;

    private WavFiles() {
    }

    /** @throws IllegalArgumentException when it is not a WAV file of a format above */
    static RecordingAudio read(byte[] wav) {
        try {
            return read(new ByteArrayInputStream(wav), MAX_DATA_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not from a byte array
        }
    }

    /**
     * @throws IllegalArgumentException when it is not a WAV file of a format above, or its audio is
     *                                  longer than {@code maxDataBytes}
     * @throws IOException              when reading the stream fails
     */
    static RecordingAudio read(InputStream in, long maxDataBytes) throws IOException {
        byte[] riff = in.readNBytes(12);
        if (riff.length < 12 || !tag(riff, "RIFF") || !tag(Arrays.copyOfRange(riff, 8, 12), "WAVE")) {
            throw new IllegalArgumentException("no RIFF/WAVE header");
        }
        int format = -1;
        int channels = 0;
        int sampleRate = 0;
        int bits = 0;
        while (true) {
            byte[] header = in.readNBytes(8);
            if (header.length < 8) {
                throw new IllegalArgumentException("no data chunk");
            }
            long size = Integer.toUnsignedLong(ByteBuffer.wrap(header, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (tag(header, "fmt ")) {
                if (size < 16 || size > MAX_FMT_BYTES) {
                    throw new IllegalArgumentException("fmt chunk of " + size + " bytes");
                }
                byte[] body = in.readNBytes((int) (size + (size & 1)));
                if (body.length < 16) {
                    throw new IllegalArgumentException("fmt chunk too short");
                }
                ByteBuffer fmt = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
                format = Short.toUnsignedInt(fmt.getShort(0));
                channels = Short.toUnsignedInt(fmt.getShort(2));
                sampleRate = fmt.getInt(4);
                bits = Short.toUnsignedInt(fmt.getShort(14));
                if (format == EXTENSIBLE && size >= 40 && body.length >= 26) {
                    format = Short.toUnsignedInt(fmt.getShort(24));
                }
            } else if (tag(header, "data")) {
                if (format < 0) {
                    throw new IllegalArgumentException("data before fmt");
                }
                RecordingAudio.Encoding encoding = encoding(format, bits);
                if (channels != 1) {
                    throw new IllegalArgumentException(channels + " channels (mono expected)");
                }
                byte[] samples = samples(in, size, maxDataBytes);
                int length = samples.length - samples.length % encoding.bytesPerSample();
                if (length != samples.length) {
                    samples = Arrays.copyOf(samples, length);
                }
                return new RecordingAudio(encoding, sampleRate, channels, samples);
            } else {
                try {
                    in.skipNBytes(size + (size & 1));
                } catch (EOFException e) {
                    throw new IllegalArgumentException("no data chunk");
                }
            }
        }
    }

    /** The data chunk's bytes: its declared size, or (a streamed WAV says 0 or 0xFFFFFFFF) what is there. */
    private static byte[] samples(InputStream in, long size, long maxDataBytes) throws IOException {
        boolean declared = size != 0 && size != 0xFFFFFFFFL;
        if (declared && size > maxDataBytes) {
            throw new IllegalArgumentException(tooLong(size, maxDataBytes));
        }
        if (!declared) {
            byte[] all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxDataBytes + 1));
            if (all.length > maxDataBytes) {
                throw new IllegalArgumentException(tooLong(all.length, maxDataBytes));
            }
            return all;
        }
        byte[] samples = new byte[(int) size];
        int read = in.readNBytes(samples, 0, samples.length);
        return read == samples.length ? samples : Arrays.copyOf(samples, read);   // a cut-off file: what is there
    }

    private static String tooLong(long size, long maxDataBytes) {
        return "its audio is " + size + " bytes, more than " + maxDataBytes + " (a 4-hour call at 8 kHz, 16-bit)";
    }

    private static RecordingAudio.Encoding encoding(int format, int bits) {
        if (format == PCM && bits == 16) {
            return RecordingAudio.Encoding.LINEAR16;
        }
        if (format == MULAW && bits == 8) {
            return RecordingAudio.Encoding.MULAW;
        }
        throw new IllegalArgumentException("format " + format + " with " + bits + " bits per sample (16-bit PCM or"
                + " 8-bit μ-law expected)");
    }

    private static boolean tag(byte[] bytes, String tag) {
        return bytes[0] == tag.charAt(0) && bytes[1] == tag.charAt(1) && bytes[2] == tag.charAt(2)
                && bytes[3] == tag.charAt(3);
    }
}
