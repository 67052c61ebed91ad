package dev.switchboard.adapters.media.twilio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class EmbeddedTextToSpeechTest {

    private static byte[] speak(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EmbeddedTextToSpeech().synthesize(text, out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void producesAudibleMulawAtTheLengthOfSpeech() {
        byte[] audio = speak("Hello! This is Acme. How can I help you?");
        double seconds = audio.length / 8000.0;
        assertTrue(seconds > 2 && seconds < 6, seconds + " s for eight words");
        assertTrue(MuLaw.rms(audio) > 1000, "audible: rms " + MuLaw.rms(audio));
        assertTrue(!(audio[0] == 'R' && audio[1] == 'I'), "no WAV header");
    }

    @Test
    void theFirstChunkIsOneFrameSoAnAnswerCanStartAtOnce() {
        java.util.List<Integer> chunks = new java.util.ArrayList<>();
        new EmbeddedTextToSpeech().synthesize("Thanks for calling, how can I help?", c -> chunks.add(c.length));
        assertTrue(chunks.size() > 2, "chunks: " + chunks);
        org.junit.jupiter.api.Assertions.assertEquals(160, chunks.get(0), "one 20 ms frame first: " + chunks);
        org.junit.jupiter.api.Assertions.assertEquals(1600, chunks.get(1), "then 200 ms at a time: " + chunks);
    }

    @Test
    void isDeterministic() {
        assertArrayEquals(speak("Would you like us to call you back?"), speak("Would you like us to call you back?"));
    }
}
