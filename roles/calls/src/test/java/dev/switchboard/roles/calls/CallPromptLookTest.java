package dev.switchboard.roles.calls;

import dev.switchboard.adapters.media.twilio.EmbeddedTextToSpeech;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLiveCalls;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.domain.CallStreamParameters;
import dev.switchboard.ports.in.MediaStreamStart;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.MediaStreamOutput;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The one more look for a call's own prompt, made at the caller's first interim transcript, when a
 * barge-in interrupts the agent thread during that look. A look that found the prompt is done: the
 * call speaks with it and the look is not made, nor counted, again at the first turn. (Once seen in
 * CI as {@code CALL_AT_FIRST_TURN} counted twice for one call.) The interrupt is planted right where
 * the race put it: in the cache lookup, after Redis answered.
 */
class CallPromptLookTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void aLookThatFoundTheCallsPromptIsNotMadeAgainWhenABargeInInterruptedIt() throws Exception {
        CallsSettings settings = CallsSettings.fromEnvironment(Map.of("TWILIO_NUMBERS", "+5511999990000:biz-1"));
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            PromptCache cache = new RedisPromptCache(connections);
            cache.putForBusiness(prompt("BUSINESS PROMPT", Optional.empty()), Duration.ofMinutes(5));
            InterruptingCache looks = new InterruptingCache(cache);
            Listening stt = new Listening();
            List<ChatRequest> asked = new CopyOnWriteArrayList<>();
            CallPrompts prompts = new CallPrompts(looks, Duration.ofSeconds(2));
            CallSessions sessions = new CallSessions(settings, request -> {
                asked.add(request);
                return "Yes, we do.";
            }, new EmbeddedTextToSpeech(), stt, prompts, Clock.systemUTC(), nanos -> { });
            try (CallJournal journal = new CallJournal(new RedisJobQueue(connections, Clock.systemUTC()),
                    new RedisLiveCalls(connections), settings.livenessTtl(), sessions::liveCalls)) {
                sessions.journal(journal);
                var session = sessions.connect(new OpenOutput());
                session.started(new MediaStreamStart("MZ-race", "CA-race",
                        Map.of(CallStreamParameters.BUSINESS_ID, "biz-1")));
                await("the business's prompt at the stream's start",
                        () -> prompts.counts().get(CallPrompts.Source.BUSINESS) == 1L);
                assertEquals(1, looks.count.get());

                // prebuild_prompt_job finishes; the caller starts speaking; a barge-in lands during the look.
                cache.putForCall("CA-race", prompt("CALL PROMPT", Optional.of("lead-1")), Duration.ofMinutes(5));
                looks.interruptFromLook(2);
                assertNotNull(stt.listener.get(), "the call opened its recognizer");
                stt.listener.get().interim("Do you", 0.9f);
                await("the one more look", () -> looks.count.get() == 2);
                stt.listener.get().finalResult("Do you install on tiled roofs?");
                await("the AI to be asked", () -> !asked.isEmpty());

                assertEquals("CALL PROMPT", asked.getFirst().systemPrompt());
                assertEquals(2, looks.count.get(), "looked once at the start and once at the interim, not again");
                assertEquals(1L, prompts.counts().get(CallPrompts.Source.CALL_AT_FIRST_TURN));
                sessions.endAll("test over", Duration.ofSeconds(5));
            }
        }
    }

    private static VoicePrompt prompt(String text, Optional<String> lead) {
        return new VoicePrompt("biz-1", "Acme Solar", Optional.empty(), lead, lead.map(l -> "Maria"), text,
                "v-" + text.hashCode());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The Redis prompt cache, counting lookups; the chosen lookup interrupts its thread as it returns. */
    private static final class InterruptingCache implements PromptCache {
        final AtomicInteger count = new AtomicInteger();
        private final PromptCache delegate;
        private volatile int interruptAt;

        InterruptingCache(PromptCache delegate) {
            this.delegate = delegate;
        }

        void interruptFromLook(int n) {
            interruptAt = n;
        }

        @Override
        public void putForBusiness(VoicePrompt prompt, Duration ttl) {
            delegate.putForBusiness(prompt, ttl);
        }

        @Override
        public void putForCall(String callSid, VoicePrompt prompt, Duration ttl) {
            delegate.putForCall(callSid, prompt, ttl);
        }

        @Override
        public Lookup lookup(String businessId, String callSid, Duration wait) {
            Lookup found = delegate.lookup(businessId, callSid, wait);
            if (count.incrementAndGet() == interruptAt) {
                Thread.currentThread().interrupt();
            }
            return found;
        }
    }

    /** A recognizer that hands the test its listener, to deliver transcripts when the test says. */
    private static final class Listening implements SpeechToText {
        final AtomicReference<Listener> listener = new AtomicReference<>();

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Stream open(String languageCode, Listener l) {
            listener.set(l);
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

    private static final class OpenOutput implements MediaStreamOutput {
        private volatile boolean open = true;

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
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
