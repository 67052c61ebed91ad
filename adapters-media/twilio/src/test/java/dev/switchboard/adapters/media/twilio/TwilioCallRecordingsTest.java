package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.out.CallRecordingException;
import dev.switchboard.ports.out.RecordingAudio;
import dev.switchboard.testsupport.FakeTwilioRecordings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recording media through the SDK's REST client against the fake Twilio (which checks the
 * account's Basic auth): read from the body stream into the samples, and refused when longer than
 * the limit, before its audio is read.
 */
class TwilioCallRecordingsTest {
    private static final String ACCOUNT = "AC00000000000000000000000000000001";
    private static final String TOKEN = "token-1";
    private FakeTwilioRecordings twilio;

    @BeforeEach
    void start() {
        twilio = FakeTwilioRecordings.start(ACCOUNT, TOKEN);
    }

    @AfterEach
    void stop() {
        twilio.close();
    }

    private static byte[] pcm(int seconds) {
        byte[] samples = new byte[seconds * 8000 * 2];
        new Random(7).nextBytes(samples);
        return samples;
    }

    @Test
    void aRecordingIsReadWholeFromItsBody() {
        byte[] samples = pcm(3);
        twilio.put("RE1", "CA1", samples, 8000);
        RecordingAudio audio = new TwilioCallRecordings(URI.create(twilio.url()), ACCOUNT, TOKEN, Duration.ofSeconds(10))
                .download("RE1");
        assertEquals(RecordingAudio.Encoding.LINEAR16, audio.encoding());
        assertEquals(8000, audio.sampleRateHertz());
        assertArrayEquals(samples, audio.samples());
    }

    @Test
    void aRecordingLongerThanTheLimitIsRefused() {
        twilio.put("RE2", "CA2", pcm(2), 8000);
        TwilioCallRecordings recordings = new TwilioCallRecordings(URI.create(twilio.url()), ACCOUNT, TOKEN,
                Duration.ofSeconds(10), 16_000);
        CallRecordingException e = assertThrows(CallRecordingException.class, () -> recordings.download("RE2"));
        assertEquals(CallRecordingException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("32000 bytes, more than 16000"), e.getMessage());

        twilio.put("RE3", "CA3", pcm(1), 8000);   // at the limit: taken, and the client is still usable
        assertEquals(16_000, recordings.download("RE3").samples().length);
    }
}
