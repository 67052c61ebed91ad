package dev.switchboard.roles.calls;

import static dev.switchboard.roles.calls.TwilioMediaClient.event;
import static dev.switchboard.roles.calls.TwilioMediaClient.payload;
import static dev.switchboard.roles.calls.TwilioMediaClient.streamSid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.adapters.media.twilio.MuLaw;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.runtime.RoleThreads;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.switchboard.testsupport.RedisFixture;

/** The calls role's Media Streams endpoint over real WebSockets, with a client speaking Twilio's side. */
class MediaStreamTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static HttpClient http;
    private static CallsRole calls;

    @BeforeAll
    static void start() {
        Map<String, String> env = TwilioMediaClient.env(redis.url(), "CALL_MEDIA_TIMEOUT", "1s",
                // The head of each HTTP request has a 1 s deadline; a media stream lives far longer.
                "HTTP_REQUEST_TIMEOUT", "1s");
        calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        calls.close();
        http.close();
    }

    @Test
    void callIsGreetedWithPacedValidMulawFramesAndStopEndsIt() throws Exception {
        try (TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-greet", "biz-1");
            long started = System.nanoTime();
            for (int i = 0; i < 50; i++) {            // 1 s of caller silence, at Twilio's pace
                twilio.silence(1);
                Thread.sleep(20);
            }
            List<String> out = twilio.messages(40, WAIT);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            List<byte[]> audio = new ArrayList<>();
            for (String m : out) {
                assertTrue(List.of("media", "mark", "clear").contains(event(m)), m);
                assertEquals(TwilioMediaClient.STREAM_SID, streamSid(m), m);
                if (event(m).equals("media")) {
                    audio.add(payload(m));
                }
            }
            assertTrue(audio.size() >= 30, "greeting frames: " + audio.size());
            // Paced: about one 20 ms frame per 20 ms, a few ahead; never the whole greeting at once.
            assertTrue(audio.size() <= elapsedMs / 20 + 10, audio.size() + " frames in " + elapsedMs + " ms");
            double loudest = 0;
            for (byte[] frame : audio) {
                assertEquals(160, frame.length);
                assertFalse(frame[0] == 'R' && frame[1] == 'I' && frame[2] == 'F' && frame[3] == 'F', "no WAV header");
                loudest = Math.max(loudest, MuLaw.rms(frame));
            }
            assertTrue(loudest > 1000, "the greeting is audible, rms " + loudest);

            twilio.stop();
            assertEquals(1000, twilio.awaitClose(WAIT));
        }
        awaitTrue(() -> calls.activeCalls() == 0, "the call ended");
    }

    @Test
    void callerSpeakingOverPlaybackGetsAClear() throws Exception {
        // Marks are not echoed: our greeting counts as still playing at Twilio's end.
        try (TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), false)) {
            twilio.connectedAndStart("CA-barge", "biz-1");
            twilio.silence(5);
            twilio.messages(3, WAIT);                // the greeting is playing
            byte[] loud = new byte[160];
            for (int i = 0; i < 160; i++) {
                loud[i] = MuLaw.encode((int) (12000 * Math.sin(2 * Math.PI * 300 * i / 8000.0)));
            }
            for (int i = 0; i < CallSession.BARGE_IN_FRAMES + 2; i++) {
                twilio.media(loud);
            }
            boolean cleared = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!cleared && System.nanoTime() < deadline) {
                String m = twilio.received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                cleared = m != null && event(m).equals("clear");
            }
            assertTrue(cleared, "a clear after the caller spoke over the greeting");
            twilio.stop();
            twilio.awaitClose(WAIT);
        }
        awaitTrue(() -> calls.activeCalls() == 0, "the call ended");
    }

    @Test
    void badInputEndsTheSessionCleanly() throws Exception {
        List<java.util.function.Consumer<TwilioMediaClient>> cases = List.of(
                t -> t.send("{\"event\":\"connected\""),                                     // malformed JSON
                t -> t.send("[1,2,3]"),                                                      // not an object
                t -> t.silence(1),                                                            // media before start
                t -> t.connectedAndStart("CA-x", "biz-1").send("{\"event\":\"dance\"}"),      // unknown event
                t -> t.send("{\"event\":\"media\",\"pad\":\"" + "x".repeat(70_000) + "\"}"),   // oversized
                t -> t.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[160]), true).join(),    // binary
                t -> t.connectedAndStart("CA-y", "biz-unknown"),                              // unknown business
                t -> t.connectedAndStart("CA-z", "biz-1").send(                               // payload not base64
                        "{\"event\":\"media\",\"media\":{\"track\":\"inbound\",\"payload\":\"***\"}}"));
        for (var badInput : cases) {
            try (TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
                badInput.accept(twilio);
                twilio.awaitClose(WAIT);
            }
        }
        awaitTrue(() -> calls.activeCalls() == 0, "every session ended");
    }

    @Test
    void aStreamOutlivesTheRequestHeadDeadline() throws Exception {
        try (TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-long", "biz-1");
            long end = System.nanoTime() + 2_500_000_000L; // 2.5 × HTTP_REQUEST_TIMEOUT
            while (System.nanoTime() < end) {
                twilio.silence(1);
                Thread.sleep(20);
            }
            assertEquals(1, calls.activeCalls(), "the call is still live");
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(WAIT));
        }
        awaitTrue(() -> calls.activeCalls() == 0, "the call ended");
    }

    @Test
    void watchdogEndsACallWhoseMediaStopped() throws Exception {
        try (TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-quiet", "biz-1");
            twilio.silence(3);
            long t0 = System.nanoTime();
            twilio.awaitClose(WAIT);                  // CALL_MEDIA_TIMEOUT=1s
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 700 && ms < 3000, "closed after " + ms + " ms");
        }
        awaitTrue(() -> calls.activeCalls() == 0, "the call ended");
    }

    @Test
    void socketThatDiesWithoutStopEndsTheSession() throws Exception {
        TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
        twilio.connectedAndStart("CA-gone", "biz-1");
        twilio.silence(3);
        awaitTrue(() -> calls.activeCalls() == 1, "the call is live");
        twilio.ws.abort();
        awaitTrue(() -> calls.activeCalls() == 0, "the session was ended");
    }

    @Test
    void aThousandSessionsLeaveNoThreadBehind() throws Exception {
        awaitTrue(() -> calls.activeCalls() == 0, "no call left from other tests");
        int baselineOurs = RoleThreads.running();
        List<String> baselinePlatform = platformThreads();
        int batch = 25;
        for (int n = 0; n < 1000; n += batch) {
            List<TwilioMediaClient> clients = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                TwilioMediaClient c = new TwilioMediaClient(http, calls.port(), true);
                c.connectedAndStart("CA-" + (n + i), "biz-1");
                c.silence(2);
                clients.add(c);
            }
            for (TwilioMediaClient c : clients) {
                c.stop();
            }
            for (TwilioMediaClient c : clients) {
                assertEquals(1000, c.awaitClose(WAIT));
                c.close();
            }
        }
        awaitTrue(() -> calls.activeCalls() == 0, "every call ended");
        awaitTrue(() -> RoleThreads.running() == baselineOurs,
                () -> "session threads still running: " + (RoleThreads.running() - baselineOurs));
        awaitTrue(() -> platformThreads().size() <= baselinePlatform.size(),
                () -> "platform threads now " + platformThreads() + ", before " + baselinePlatform);
    }

    /**
     * Live platform threads, less the test client's own ({@code HttpClient-*}, the JDK client's
     * pool) and the JDK's virtual-thread carriers (at most one per core, kept for reuse).
     */
    private static List<String> platformThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> !n.startsWith("HttpClient-") && !n.startsWith("ForkJoinPool-1-worker-"))
                .sorted().toList();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        awaitTrue(condition, () -> what);
    }

    private static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
