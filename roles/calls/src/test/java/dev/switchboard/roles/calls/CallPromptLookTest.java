package dev.switchboard.roles.calls;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            PromptCache cache = new RedisPromptCache(connections);
            cache.putForBusiness(prompt("BUSINESS PROMPT", Optional.empty()), Duration.ofMinutes(5));
            InterruptingCache looks = new InterruptingCache(cache);
            List<ChatRequest> asked = new CopyOnWriteArrayList<>();
            try (ScriptedCall call = new ScriptedCall(connections, looks, request -> {
                asked.add(request);
                return "Yes, we do.";
            })) {
                call.start("CA-race");
                ScriptedCall.await("the business's prompt at the stream's start",
                        () -> call.prompts.counts().get(CallPrompts.Source.BUSINESS) == 1L);
                assertEquals(1, looks.count.get());

                // prebuild_prompt_job finishes; the caller starts speaking; a barge-in lands during the look.
                cache.putForCall("CA-race", prompt("CALL PROMPT", Optional.of("lead-1")), Duration.ofMinutes(5));
                looks.interruptFromLook(2);
                call.heard().interim("Do you", 0.9f);
                ScriptedCall.await("the one more look", () -> looks.count.get() == 2);
                call.heard().finalResult("Do you install on tiled roofs?");
                ScriptedCall.await("the AI to be asked", () -> !asked.isEmpty());

                assertEquals("CALL PROMPT", asked.getFirst().systemPrompt());
                assertEquals(2, looks.count.get(), "looked once at the start and once at the interim, not again");
                assertEquals(1L, call.prompts.counts().get(CallPrompts.Source.CALL_AT_FIRST_TURN));
            }
        }
    }

    private static VoicePrompt prompt(String text, Optional<String> lead) {
        return new VoicePrompt("biz-1", "Acme Solar", Optional.empty(), lead, lead.map(l -> "Maria"), text,
                "v-" + text.hashCode());
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
}
