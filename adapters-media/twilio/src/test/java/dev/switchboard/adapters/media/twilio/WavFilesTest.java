package dev.switchboard.adapters.media.twilio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.RecordingAudio;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The RIFF walk trusts no declared size, and only mono audio comes out. */
class WavFilesTest {

    private static byte[] chunk(String tag, long declaredSize, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) declaredSize).put(body);
        return b.array();
    }

    private static byte[] fmt(int channels) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 1).putShort((short) channels).putInt(8000).putInt(8000 * 2 * channels)
                .putShort((short) (2 * channels)).putShort((short) 16);
        return chunk("fmt ", 16, b.array());
    }

    private static byte[] wav(byte[]... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[4]);
        out.writeBytes("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    @Test
    void readsMonoPcmAfterAnOddSizedChunkAndItsPadByte() {
        byte[] samples = {1, 0, 2, 0, 3, 0};
        RecordingAudio audio = WavFiles.read(wav(fmt(1), chunk("LIST", 3, new byte[] {9, 9, 9, 0}),
                chunk("data", samples.length, samples)));
        assertEquals(RecordingAudio.Encoding.LINEAR16, audio.encoding());
        assertEquals(8000, audio.sampleRateHertz());
        assertEquals(1, audio.channels());
        assertArrayEquals(samples, audio.samples());
    }

    @Test
    void aChunkDeclaringGigabytesBeforeDataIsNotAWavFileRatherThanAnIndexOutOfBounds() {
        for (long size : new long[] {0x7FFFFFF0L, 0xFFFFFFF0L, 0xFFFFFFFFL}) {
            byte[] file = wav(fmt(1), chunk("LIST", size, new byte[] {1, 2, 3, 4}), chunk("data", 2, new byte[] {1, 0}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WavFiles.read(file),
                    "declared size " + Long.toHexString(size));
            assertEquals("no data chunk", e.getMessage());
        }
    }

    @Test
    void stereoIsRefusedSinceAMonoReaderWouldHearOneParty() {
        byte[] file = wav(fmt(2), chunk("data", 8, new byte[] {1, 0, 2, 0, 3, 0, 4, 0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WavFiles.read(file));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
    }

    @Test
    void audioLongerThanTheLimitIsRefusedBeforeItIsRead() {
        byte[] declared = wav(fmt(1), chunk("data", 1_000_000, new byte[0]));   // says 1 MB, holds none
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WavFiles.read(new java.io.ByteArrayInputStream(declared), 1000));
        assertTrue(e.getMessage().contains("1000000 bytes, more than 1000"), e.getMessage());

        byte[] streamed = wav(fmt(1), chunk("data", 0xFFFFFFFFL, new byte[1002]));   // size unknown: counted
        e = assertThrows(IllegalArgumentException.class,
                () -> WavFiles.read(new java.io.ByteArrayInputStream(streamed), 1000));
        assertTrue(e.getMessage().contains("more than 1000"), e.getMessage());
    }

    @Test
    void aCutOffFileGivesTheWholeSamplesItHolds() throws Exception {
        byte[] file = wav(fmt(1), chunk("data", 100, new byte[] {1, 0, 2, 0, 3}));
        RecordingAudio audio = WavFiles.read(new java.io.ByteArrayInputStream(file), 1000);
        assertArrayEquals(new byte[] {1, 0, 2, 0}, audio.samples());
    }
}
