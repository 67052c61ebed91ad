package dev.switchboard.roles.worker;

import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.testsupport.FakeTwilioCalls;
import dev.switchboard.testsupport.FakeTwilioRecordings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the Twilio SDK's logger at DEBUG (SLF4J bound to JUL, as in production), its
 * {@code TwilioRestClient} logs each answer's headers: both of our SDK HTTP clients must hand it
 * the headers, not null, or every Twilio call ends in a NullPointerException.
 */
class TwilioDebugLoggingTest {
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "test-auth-token-" + UUID.randomUUID();

    // Held here: JUL keeps loggers weakly, and a collected one loses its level.
    private final Logger twilioLogger = Logger.getLogger("com.twilio");
    private Level before;

    @BeforeEach
    void debugOn() {
        before = twilioLogger.getLevel();
        twilioLogger.setLevel(Level.FINE);
        assertTrue(org.slf4j.LoggerFactory.getLogger("com.twilio.http.TwilioRestClient").isDebugEnabled(),
                "the SDK's logger is at DEBUG");
    }

    @AfterEach
    void debugOff() {
        twilioLogger.setLevel(before);
    }

    @Test
    void recordingsAreDownloadedAndDeletedWithTheSdkLoggingAtDebug() {
        try (FakeTwilioRecordings twilio = FakeTwilioRecordings.start(ACCOUNT, TOKEN)) {
            var recordings = TwilioAccount.fromEnvironment(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT,
                    "TWILIO_AUTH_TOKEN", TOKEN, "TWILIO_API_BASE_URL", twilio.url())).callRecordings();
            String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");
            twilio.put(recordingSid, "CA" + UUID.randomUUID().toString().replace("-", ""), new byte[16000], 8000);

            assertEquals(8000, recordings.download(recordingSid).sampleRateHertz());
            assertTrue(recordings.delete(recordingSid));
        }
    }

    @Test
    void aCallIsHungUpWithTheSdkLoggingAtDebug() {
        try (FakeTwilioCalls twilio = FakeTwilioCalls.start(ACCOUNT, TOKEN);
             HttpClient http = HttpClient.newHttpClient()) {
            String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
            twilio.callInProgress(sid);
            OutboundTelephony telephony = new dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony(
                    new dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony.Settings(ACCOUNT, TOKEN,
                            URI.create(twilio.url()), Duration.ofSeconds(5)), http);

            assertEquals(OutboundTelephony.HangUp.ENDED, telephony.hangUp(sid));
            assertEquals("completed", twilio.status(sid));
        }
    }
}
