package dev.switchboard.adapters.media.twilio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pcm24kToMulaw8kTest {

    @Test
    void oneSecondIn24kHzBecomesOneSecondAt8kHz() {
        assertEquals(8000, new Pcm24kToMulaw8k().convert(tone(440, 24000)).length);
    }

    @Test
    void anySplitOfTheInputGivesTheSameBytesAsOnePass() {
        byte[] pcm = tone(440, 24000);
        byte[] whole = new Pcm24kToMulaw8k().convert(pcm);
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            Pcm24kToMulaw8k chunked = new Pcm24kToMulaw8k();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < pcm.length; ) {
                int n = Math.min(pcm.length - i, 1 + random.nextInt(999));   // odd sizes split samples
                out.writeBytes(chunked.convert(pcm, i, n));
                i += n;
            }
            assertArrayEquals(whole, out.toByteArray());
        }
    }

    @Test
    void speechBandPassesAndWhatWouldAliasIsFilteredOut() {
        double pass = level(new Pcm24kToMulaw8k().convert(tone(1000, 24000)));
        double alias = level(new Pcm24kToMulaw8k().convert(tone(6000, 24000)));   // would fold to 2 kHz
        double input = 10000 / Math.sqrt(2);
        assertTrue(Math.abs(pass - input) / input < 0.05, "1 kHz level " + pass + " vs " + input);
        assertTrue(alias < input / 100, "6 kHz leaks at " + alias);
    }

    private static double level(byte[] mulaw) {
        byte[] settled = java.util.Arrays.copyOfRange(mulaw, 100, mulaw.length);
        return MuLaw.rms(settled);
    }

    static byte[] tone(double hz, int samples) {
        byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            short s = (short) Math.round(10000 * Math.sin(2 * Math.PI * hz * i / 24000.0));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }
}
