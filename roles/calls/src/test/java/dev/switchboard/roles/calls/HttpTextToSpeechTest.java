package dev.switchboard.roles.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.adapters.media.twilio.HttpTextToSpeech;
import dev.switchboard.adapters.media.twilio.MuLaw;
import dev.switchboard.ports.out.TextToSpeechException;
import dev.switchboard.testsupport.FakeSpeechSynthServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible TTS adapter against a fake that writes 24 kHz PCM in odd-sized pieces. */
class HttpTextToSpeechTest {

    @Test
    void pcmBecomesEightKilohertzMulawWithTheTonePreserved() throws Exception {
        try (FakeSpeechSynthServer fake = new FakeSpeechSynthServer("k-123"); HttpClient http = HttpClient.newHttpClient()) {
            HttpTextToSpeech tts = new HttpTextToSpeech(new HttpTextToSpeech.Settings(URI.create(fake.baseUrl()),
                    Optional.of("k-123"), "gpt-4o-mini-tts", "alloy", Duration.ofSeconds(5)), http);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            tts.synthesize("one two three four five", out::writeBytes);
            byte[] mulaw = out.toByteArray();
            assertEquals(8000 * 300 / 1000, mulaw.length, "5 words x 60 ms at 8 kHz");
            // The frequency survives: count zero crossings of the decoded audio (skip the filter's start).
            int crossings = 0;
            for (int i = 101; i < mulaw.length; i++) {
                if ((MuLaw.decode(mulaw[i - 1]) < 0) != (MuLaw.decode(mulaw[i]) < 0)) {
                    crossings++;
                }
            }
            double hz = crossings / 2.0 / ((mulaw.length - 101) / 8000.0);
            assertTrue(Math.abs(hz - FakeSpeechSynthServer.TONE_HZ) < 15, "tone at " + hz + " Hz");
            assertEquals("one two three four five", fake.inputs.getFirst());
        }
    }

    @Test
    void aRefusedRequestIsAFailureNamingTheStatus() throws Exception {
        try (FakeSpeechSynthServer fake = new FakeSpeechSynthServer("k-123"); HttpClient http = HttpClient.newHttpClient()) {
            HttpTextToSpeech tts = new HttpTextToSpeech(new HttpTextToSpeech.Settings(URI.create(fake.baseUrl()),
                    Optional.of("wrong"), "gpt-4o-mini-tts", "alloy", Duration.ofSeconds(5)), http);
            TextToSpeechException e = assertThrows(TextToSpeechException.class, () -> tts.synthesize("hi", b -> { }));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        }
    }
}
