package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.out.RecordingAudio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a RIFF/WAVE file into raw samples: PCM 16-bit (format 1) or G.711 μ-law (format 7), also
 * inside {@code WAVE_FORMAT_EXTENSIBLE}, mono only. Twilio's recordings are usually 8 kHz 16-bit PCM,
 * but the header says what they are. We ask for {@code RequestedChannels=1}; a stereo file (one
 * party per channel) is refused rather than handed on, since a mono reader would hear one party.
 *
 * <p>Chunk sizes are the file's word: positions are computed in {@code long}, so a huge declared
 * size ends the walk ("no data chunk") instead of overflowing into an index out of bounds.
 */
final class WavFiles {
    private static final int PCM = 1;
    private static final int MULAW = 7;
    private static final int EXTENSIBLE = 0xFFFE;

    private WavFiles() {
    }

    /** @throws IllegalArgumentException when it is not a WAV file of a format above */
    static RecordingAudio read(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !tag(wav, 0, "RIFF") || !tag(wav, 8, "WAVE")) {
            throw new IllegalArgumentException("no RIFF/WAVE header");
        }
        int format = -1;
        int channels = 0;
        int sampleRate = 0;
        int bits = 0;
        long next = 12;
        while (next + 8 <= wav.length) {
            int position = (int) next;
            long size = Integer.toUnsignedLong(in.getInt(position + 4));
            int body = position + 8;
            if (tag(wav, position, "fmt ")) {
                if (size < 16 || body + 16 > wav.length) {
                    throw new IllegalArgumentException("fmt chunk too short");
                }
                format = Short.toUnsignedInt(in.getShort(body));
                channels = Short.toUnsignedInt(in.getShort(body + 2));
                sampleRate = in.getInt(body + 4);
                bits = Short.toUnsignedInt(in.getShort(body + 14));
                if (format == EXTENSIBLE && size >= 40 && body + 26 <= wav.length) {
                    format = Short.toUnsignedInt(in.getShort(body + 24));
                }
            } else if (tag(wav, position, "data")) {
                if (format < 0) {
                    throw new IllegalArgumentException("data before fmt");
                }
                // A streamed WAV may say 0 or 0xFFFFFFFF: take what is there.
                long end = size == 0 || size == 0xFFFFFFFFL ? wav.length : Math.min(wav.length, body + size);
                RecordingAudio.Encoding encoding = encoding(format, bits);
                int frame = encoding.bytesPerSample() * channels;
                if (channels != 1) {
                    throw new IllegalArgumentException(channels + " channels (mono expected)");
                }
                int length = (int) (end - body);
                length -= length % frame;
                return new RecordingAudio(encoding, sampleRate, channels, Arrays.copyOfRange(wav, body, body + length));
            }
            next = body + size + (size & 1);
        }
        throw new IllegalArgumentException("no data chunk");
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

    private static boolean tag(byte[] wav, int at, String tag) {
        return at + 4 <= wav.length && wav[at] == tag.charAt(0) && wav[at + 1] == tag.charAt(1)
                && wav[at + 2] == tag.charAt(2) && wav[at + 3] == tag.charAt(3);
    }
}
