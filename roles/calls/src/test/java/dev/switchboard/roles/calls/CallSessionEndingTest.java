package dev.switchboard.roles.calls;

import dev.switchboard.adapters.media.twilio.EmbeddedTextToSpeech;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.ports.out.MediaStreamOutput;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.VoicePrompt;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ending calls when an end blocks or is under way on another thread:
 * <ul>
 *   <li>the reaper is one thread for every call: ending one call must not hold it up. Here one
 *       call's socket cannot be closed (its close blocks, as a close behind a write to a peer that
 *       stopped reading did), and a second call that goes quiet later must still be reaped on time;</li>
 *   <li>the role's shutdown ends every call and then closes the journal: it must wait for a call
 *       whose end another thread (its closing socket) began just before, or that call's last jobs
 *       come after the journal closed and are lost.</li>
 * </ul>
 */
class CallSessionEndingTest {

    @Test
    void aCallWhoseEndBlocksDoesNotHoldUpTheReapingOfTheOthers() throws Exception {
        CallsSettings settings = CallsSettings.fromEnvironment(Map.of("CALL_MEDIA_TIMEOUT", "300ms",
                "TWILIO_NUMBERS", "+5511999990000:biz-1"));
        CallSessions sessions = new CallSessions(settings, new EmbeddedChatModel(), new EmbeddedTextToSpeech(),
                SpeechToText.OFF, new CallPrompts(new EmptyPromptCache(), Duration.ofMillis(100)), Clock.systemUTC(),
                nanos -> { });
        CountDownLatch never = new CountDownLatch(1);
        Output stuck = new Output(never);
        Output quiet = new Output(null);
        try (CallSessionReaper reaper = new CallSessionReaper(sessions, settings.mediaTimeout())) {
            sessions.connect(stuck);   // no start, no media: its watchdog fires after 300 ms
            assertTrue(stuck.closeCalled.await(5, TimeUnit.SECONDS), "the stuck call's end began");
            sessions.connect(quiet);   // the next call, quiet from now on
            long t0 = System.nanoTime();
            assertTrue(quiet.closeCalled.await(5, TimeUnit.SECONDS),
                    "the quiet call was reaped although the stuck call's end still blocks");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 2000, "reaped after " + ms + " ms (timeout 300 ms, checked every 200 ms)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sessions.active() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);   // the quiet call's end goes on after its close
            }
            assertEquals(1, sessions.active(), "only the stuck call is still ending");
        } finally {
            never.countDown();
        }
    }

    @Test
    void endingEveryCallWaitsForAnEndAlreadyUnderWayOnAnotherThread() throws Exception {
        CallsSettings settings = CallsSettings.fromEnvironment(Map.of("TWILIO_NUMBERS", "+5511999990000:biz-1"));
        CallSessions sessions = new CallSessions(settings, new EmbeddedChatModel(), new EmbeddedTextToSpeech(),
                SpeechToText.OFF, new CallPrompts(new EmptyPromptCache(), Duration.ofMillis(100)), Clock.systemUTC(),
                nanos -> { });
        CountDownLatch slowClose = new CountDownLatch(1);
        Output closing = new Output(slowClose);
        var session = sessions.connect(closing);
        Thread socketThread = Thread.ofVirtual().start(() -> session.ended("socket closed (1006)"));
        assertTrue(closing.closeCalled.await(5, TimeUnit.SECONDS), "the socket's thread is ending the call");
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            slowClose.countDown();
        });
        sessions.endAll("calls role stopping", Duration.ofSeconds(5));
        assertEquals(0, sessions.active(), "endAll returned only once the call's end was over");
        socketThread.join();
    }

    /** A stream output whose close blocks until {@code blockClose} opens (null: never blocks). */
    private static final class Output implements MediaStreamOutput {
        final CountDownLatch closeCalled = new CountDownLatch(1);
        private final CountDownLatch blockClose;
        private volatile boolean open = true;

        Output(CountDownLatch blockClose) {
            this.blockClose = blockClose;
        }

        @Override
        public void media(byte[] mulaw) {
        }

        @Override
        public void mark(String name) {
        }

        @Override
        public void clear() {
        }

        @Override
        public void close(String reason) {
            closeCalled.countDown();
            if (blockClose != null) {
                try {
                    blockClose.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    private static final class EmptyPromptCache implements PromptCache {
        @Override
        public void putForBusiness(VoicePrompt prompt, Duration ttl) {
        }

        @Override
        public void putForCall(String callSid, VoicePrompt prompt, Duration ttl) {
        }

        @Override
        public Lookup lookup(String businessId, String callSid, Duration wait) {
            return Lookup.NOTHING;
        }
    }
}
