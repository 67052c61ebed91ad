package dev.switchboard.adapters.media.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test vectors of shared/specs/ai-chat-and-speech.md §4. */
class MuLawTest {

    @Test
    void encodesTheSpecsVectors() {
        int[][] vectors = {
                {0, 0xFF}, {1, 0xFF}, {2, 0xFF}, {3, 0xFF}, {-1, 0x7F}, {-2, 0x7F}, {-3, 0x7F},
                {100, 0xF2}, {-100, 0x72}, {1000, 0xCE}, {-1000, 0x4E}, {8158, 0x9F},
                {32124, 0x80}, {32635, 0x80}, {32767, 0x80}, {-32767, 0x00}, {-32768, 0x00}};
        for (int[] v : vectors) {
            assertEquals(v[1], MuLaw.encode(v[0]) & 0xFF, "encode(" + v[0] + ")");
        }
    }

    @Test
    void decodesTheSpecsVectors() {
        int[][] vectors = {{0xFF, 0}, {0x7F, 0}, {0xFE, 8}, {0x7E, -8}, {0x80, 32124}, {0x00, -32124},
                {0x10, -15996}, {0x0F, -16764}, {0x01, -31100}};
        for (int[] v : vectors) {
            assertEquals(v[1], MuLaw.decode((byte) v[0]), "decode(0x" + Integer.toHexString(v[0]) + ")");
        }
    }

    @Test
    void everySixteenBitSampleRoundTripsWithinOneQuantisationStep() {
        for (int x = -32768; x <= 32767; x++) {
            int back = MuLaw.decode(MuLaw.encode(x));
            int clipped = Math.max(-32635, Math.min(32635, x));
            // μ-law steps grow with the magnitude: at most 1/16 of it plus the bias, never more.
            assertTrue(Math.abs(back - clipped) <= Math.abs(clipped) / 16 + 140, x + " -> " + back);
        }
    }

    @Test
    void silenceIsQuiet() {
        assertEquals(0, MuLaw.rms(new byte[]{MuLaw.SILENCE, MuLaw.SILENCE}));
    }
}
