package dev.switchboard.roles.calls;

import dev.switchboard.testsupport.FakeSpeechService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.FakeChatServer;
import dev.switchboard.testsupport.FakeSpeechSynthServer;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call's agent speaks with the prompt the jobs prepared: the call's own when it is cached at the
 * stream's start, else its business's (and the call's own if it arrives before the caller's first
 * turn), else a plain fallback, counted. The fake AI shows which system prompt each request carried,
 * the fake speech service which greeting was spoken.
 */
class CallPromptTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static final String TRANSCRIPT = "Do you install on tiled roofs?";
    private FakeSpeechService speech;
    private FakeChatServer ai;
    private FakeSpeechSynthServer synth;
    private HttpClient http;
    private RedisConnections connections;
    private PromptCache cache;

    @BeforeEach
    void start() throws Exception {
        // The transcript comes once 4000 bytes (half a second) of the caller's audio arrived.
        speech = new FakeSpeechService(TRANSCRIPT, 4000);
        ai = FakeChatServer.start("ai-key", "m1", messages -> "Yes, we do.");
        synth = new FakeSpeechSynthServer("tts-key");
        http = HttpClient.newHttpClient();
        connections = RedisConnections.connect(redis.url());
        cache = new RedisPromptCache(connections);
    }

    @AfterEach
    void stop() throws Exception {
        connections.close();
        http.close();
        synth.close();
        ai.close();
        speech.close();
    }

    private CallsRole calls() {
        Map<String, String> env = TwilioMediaClient.env(redis.url(), "GOOGLE_SPEECH_ENDPOINT", speech.endpoint(),
                "AI_BASE_URL", ai.baseUrl(), "AI_API_KEY", "ai-key", "AI_MODEL", "m1",
                "TTS_BASE_URL", synth.baseUrl(), "TTS_API_KEY", "tts-key",
                "CALL_PROMPT_WAIT", "2s");   // generous on a loaded machine: the fallback must not be a timeout
        return CallsRole.start(RoleConfig.fromEnvironment(env), env);
    }

    private static VoicePrompt prompt(String text, String name, Optional<String> lead) {
        return new VoicePrompt("biz-1", name, Optional.of("We install solar panels."), lead, lead.map(l -> "Maria"), text,
                "v-" + text.hashCode());
    }

    /** The caller speaks until the agent was asked; returns the AI's request. */
    private JsonNode talkUntilTheAiIsAsked(TwilioMediaClient twilio) throws Exception {
        await("the AI to be asked", () -> {
            twilio.silence(5);
            return !ai.requests().isEmpty();
        });
        return ai.requests().getFirst();
    }

    private static String system(JsonNode request) {
        JsonNode first = request.path("messages").get(0);
        assertEquals("system", first.path("role").asText());
        return first.path("content").asText();
    }

    @Test
    void aCallSpeaksWithThePromptPreparedForIt() throws Exception {
        cache.putForBusiness(prompt("BUSINESS PROMPT of Acme Solar", "Acme Solar", Optional.empty()), Duration.ofMinutes(5));
        cache.putForCall("CA-prepared", prompt("CALL PROMPT: the caller is Maria, who asked about tiled roofs.",
                "Acme Solar", Optional.of("lead-1")), Duration.ofMinutes(5));
        try (CallsRole calls = calls(); TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-prepared", "biz-1");
            JsonNode request = talkUntilTheAiIsAsked(twilio);

            assertEquals("CALL PROMPT: the caller is Maria, who asked about tiled roofs.", system(request));
            assertEquals(TRANSCRIPT, request.path("messages").get(2).path("content").asText(), request.toString());
            assertEquals("Hello! This is Acme Solar. How can I help you?", synth.inputs.getFirst(),
                    "greeted with the business's name, not its id");
            assertEquals(1L, calls.promptSources().get(CallPrompts.Source.CALL));
            assertEquals(0L, calls.promptSources().get(CallPrompts.Source.FALLBACK));
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aCallStartedWithItsBusinessesPromptTakesItsOwnWhenItArrivesBeforeTheCallerSpeaks() throws Exception {
        cache.putForBusiness(prompt("BUSINESS PROMPT of Acme Solar", "Acme Solar", Optional.empty()), Duration.ofMinutes(5));
        try (CallsRole calls = calls(); TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-late", "biz-1");
            await("the greeting", () -> !synth.inputs.isEmpty());
            assertEquals("Hello! This is Acme Solar. How can I help you?", synth.inputs.getFirst());
            assertEquals(1L, calls.promptSources().get(CallPrompts.Source.BUSINESS));

            // prebuild_prompt_job finishes now, after the stream started and before the caller spoke.
            cache.putForCall("CA-late", prompt("CALL PROMPT, late", "Acme Solar", Optional.of("lead-1")),
                    Duration.ofMinutes(5));
            assertEquals("CALL PROMPT, late", system(talkUntilTheAiIsAsked(twilio)));
            assertEquals(1L, calls.promptSources().get(CallPrompts.Source.CALL_AT_FIRST_TURN));
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
        }
    }

    @Test
    void withNothingCachedTheCallFallsBackToAPlainPromptOfItsBusinessAndCountsIt() throws Exception {
        // Another business's prompts, even for this very call sid, are never taken.
        cache.putForBusiness(new VoicePrompt("biz-2", "Rival", Optional.empty(), Optional.empty(), Optional.empty(),
                "RIVAL PROMPT", "v2"), Duration.ofMinutes(5));
        cache.putForCall("CA-bare", new VoicePrompt("biz-2", "Rival", Optional.empty(), Optional.empty(), Optional.empty(),
                "RIVAL CALL PROMPT", "v2"), Duration.ofMinutes(5));
        try (CallsRole calls = calls(); TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-bare", "biz-1");
            String system = system(talkUntilTheAiIsAsked(twilio));

            assertTrue(system.startsWith("You are the phone agent of biz-1. You are speaking on a phone call"), system);
            assertTrue(!system.contains("RIVAL"), system);
            assertEquals("Hello! This is biz-1. How can I help you?", synth.inputs.getFirst());
            assertEquals(1L, calls.promptSources().get(CallPrompts.Source.FALLBACK));
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
