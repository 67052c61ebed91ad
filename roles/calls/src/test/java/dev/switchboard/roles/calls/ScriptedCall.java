package dev.switchboard.roles.calls;

import dev.switchboard.adapters.media.twilio.EmbeddedTextToSpeech;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLiveCalls;
import dev.switchboard.domain.CallStreamParameters;
import dev.switchboard.ports.in.MediaStreamSession;
import dev.switchboard.ports.in.MediaStreamStart;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.MediaStreamOutput;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.SpeechToText;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One call session of business {@code biz-1} driven by the test, without a socket: the test
 * delivers the recognizer's transcripts and Twilio's mark echoes itself, at the moment it wants,
 * and sees every message the session sent (media, marks, clears). The call's jobs go to a real
 * Redis through the real journal. For races that the end-to-end tests (VoiceCallTest) can only
 * hit by chance.
 */
final class ScriptedCall implements AutoCloseable {
    final CallSessions sessions;
    final CallPrompts prompts;
    final Output output = new Output();
    private final Recognizer recognizer = new Recognizer();
    private final CallJournal journal;
    private MediaStreamSession session;

    ScriptedCall(RedisConnections redis, PromptCache cache, ChatModel chat) {
        CallsSettings settings = CallsSettings.fromEnvironment(Map.of("TWILIO_NUMBERS", "+5511999990000:biz-1"));
        prompts = new CallPrompts(cache, Duration.ofSeconds(2));
        sessions = new CallSessions(settings, chat, new EmbeddedTextToSpeech(), recognizer, prompts, Clock.systemUTC(),
                nanos -> { });
        journal = new CallJournal(new RedisJobQueue(redis, Clock.systemUTC()), new RedisLiveCalls(redis),
                settings.livenessTtl(), sessions::liveCalls);
        sessions.journal(journal);
    }

    /** Connects and starts the stream of call {@code callSid}; the agent greets the caller. */
    CallSession start(String callSid) {
        session = sessions.connect(output);
        session.started(new MediaStreamStart("MZ-" + callSid, callSid, Map.of(CallStreamParameters.BUSINESS_ID, "biz-1")));
        return (CallSession) session;
    }

    /** What the caller's recognizer reports to the call. */
    SpeechToText.Listener heard() {
        return Objects.requireNonNull(recognizer.listener, "the call opened no recognizer");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        try {
            sessions.endAll("test over", Duration.ofSeconds(5));
        } finally {
            journal.close();
        }
    }

    /** A recognizer that hands the test its listener. */
    private static final class Recognizer implements SpeechToText {
        volatile Listener listener;

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Stream open(String languageCode, Listener l) {
            listener = l;
            return new Stream() {
                @Override
                public void send(byte[] mulaw) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** The session's side of the socket: what it sent, in order. */
    static final class Output implements MediaStreamOutput {
        final List<String> marks = new CopyOnWriteArrayList<>();
        final AtomicInteger frames = new AtomicInteger();
        final AtomicInteger clears = new AtomicInteger();
        private volatile boolean open = true;

        @Override
        public void media(byte[] mulaw) {
            frames.incrementAndGet();
        }

        @Override
        public void mark(String name) {
            marks.add(name);
        }

        @Override
        public void clear() {
            clears.incrementAndGet();
        }

        @Override
        public void close(String reason) {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
