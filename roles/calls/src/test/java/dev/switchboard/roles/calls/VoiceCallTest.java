package dev.switchboard.roles.calls;

import dev.switchboard.testsupport.FakeSpeechService;
import static dev.switchboard.roles.calls.TwilioMediaClient.event;
import static dev.switchboard.roles.calls.TwilioMediaClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.adapters.media.twilio.MuLaw;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.FakeSpeechSynthServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.switchboard.testsupport.RedisFixture;

/**
 * A whole call over a real WebSocket: greeted, the caller's words come back from the (fake) Google
 * Speech service as a final transcript, the agent's answer is spoken back, {@code stop} ends it.
 */
class VoiceCallTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void callerIsGreetedAndTheAgentAnswersWhatTheySaid() throws Exception {
        try (FakeSpeechService speech = new FakeSpeechService("What are your opening hours?", 8000);
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = TwilioMediaClient.env(redis.url(), "GOOGLE_SPEECH_ENDPOINT", speech.endpoint());
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
                twilio.connectedAndStart("CA-voice", "biz-1");
                List<String> marks = new ArrayList<>();
                int framesAfterGreeting = 0;
                int frames = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline && !(marks.size() >= 3 && framesAfterGreeting > 100)) {
                    twilio.silence(1);                 // the caller's line, at Twilio's pace
                    Thread.sleep(20);
                    String m;
                    while ((m = twilio.received.poll()) != null) {
                        switch (event(m)) {
                            case "media" -> {
                                byte[] frame = payload(m);
                                assertEquals(0, frame.length % 160, "160-byte multiples");
                                frames++;
                                if (!marks.isEmpty()) {
                                    framesAfterGreeting++;
                                }
                            }
                            case "mark" -> marks.add(m);
                            case "clear" -> { }
                            default -> throw new AssertionError("the server may send only media, mark, clear: " + m);
                        }
                    }
                }
                assertEquals(1, speech.streams.get(), "one recognition stream for the call");
                assertTrue(marks.size() >= 3, "the greeting and at least two spoken sentences of the answer: " + marks);
                assertTrue(framesAfterGreeting > 100, "the answer is spoken back: " + framesAfterGreeting + " frames");
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
                assertTrue(frames > 0);
            }
        }
    }

    /** The same call with the real adapters: the AI streamed over SSE, speech from /audio/speech. */
    @Test
    void answerComesFromTheStreamedAiAndIsSpokenThroughTheSpeechService() throws Exception {
        try (FakeSpeechService speech = new FakeSpeechService("Do you sell phones?", 4000);
             dev.switchboard.testsupport.FakeChatServer ai = dev.switchboard.testsupport.FakeChatServer.start("ai-key", "m1",
                     messages -> "Yes, we do. Which model would you like? We have three in stock.");
             FakeSpeechSynthServer synth = new FakeSpeechSynthServer("tts-key");
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = withAiAndSpeech(speech, ai, synth);
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
                twilio.connectedAndStart("CA-real", "biz-1");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && synth.inputs.size() < 4) {
                    twilio.silence(1);
                    Thread.sleep(20);
                }
                // The greeting, then the answer one sentence per request, in order.
                assertEquals(List.of("Yes, we do.", "Which model would you like?", "We have three in stock."),
                        synth.inputs.subList(1, 4));
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
            }
        }
    }

    /**
     * A long answer is synthesized as it plays: twelve sentences of about 1.1 s each (19 words at the fake's 60 ms a
     * word) are not all asked of the speech service at once, but each when no more than
     * {@link CallSession#AHEAD_FRAMES} of audio wait to be played, and the rest follow as it plays.
     */
    @Test
    void aLongAnswerIsSynthesizedAsItPlaysNotAllAtOnce() throws Exception {
        String sentence = "This is one long sentence of the answer that the agent speaks to the caller, with twenty five words.";
        String answer = (sentence + " ").repeat(12).strip();
        try (FakeSpeechService speech = new FakeSpeechService("Tell me everything.", 4000);
             dev.switchboard.testsupport.FakeChatServer ai = dev.switchboard.testsupport.FakeChatServer.start("ai-key", "m1",
                     messages -> answer);
             FakeSpeechSynthServer synth = new FakeSpeechSynthServer("tts-key");
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = withAiAndSpeech(speech, ai, synth);
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
                twilio.connectedAndStart("CA-paced", "biz-1");
                // The caller's line at Twilio's pace until a second of the answer has come back.
                int answerFrames = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && answerFrames < 50) {
                    twilio.silence(1);
                    Thread.sleep(20);
                    String m;
                    while ((m = twilio.received.poll()) != null) {
                        if (event(m).equals("media") && synth.inputs.size() > 1) {
                            answerFrames++;
                        }
                    }
                }
                assertTrue(answerFrames >= 50, "the answer is playing: " + answerFrames + " frames");
                int early = synth.inputs.size() - 1;   // the greeting was the first
                // 2 s ahead of 1.1 s sentences, a second in: about three asked for, not twelve.
                assertTrue(early >= 2 && early <= 5, "sentences synthesized a second into the answer: " + early);
                long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                while (System.nanoTime() < later) {
                    twilio.silence(1);
                    Thread.sleep(20);
                    twilio.received.clear();
                }
                int then = synth.inputs.size() - 1;
                assertTrue(then > early && then < 12, "the next ones as it plays: " + early + " then " + then);
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
            }
        }
    }

    /** The calls role's settings with the fake recognizer, the fake AI ("m1") and the fake synthesizer. */
    private static Map<String, String> withAiAndSpeech(FakeSpeechService speech, dev.switchboard.testsupport.FakeChatServer ai,
                                                       FakeSpeechSynthServer synth) {
        return TwilioMediaClient.env(redis.url(), "GOOGLE_SPEECH_ENDPOINT", speech.endpoint(),
                "AI_BASE_URL", ai.baseUrl(), "AI_API_KEY", "ai-key", "AI_MODEL", "m1",
                "TTS_BASE_URL", synth.baseUrl(), "TTS_API_KEY", "tts-key");
    }

    @Test
    void withoutSpeechConfiguredTheCallIsStillAnsweredAndGreeted() throws Exception {
        Map<String, String> env = TwilioMediaClient.env(redis.url());
        try (HttpClient http = HttpClient.newHttpClient();
             CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
             TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
            twilio.connectedAndStart("CA-nostt", "biz-1");
            twilio.silence(5);
            List<String> out = twilio.messages(5, Duration.ofSeconds(10));
            assertTrue(out.stream().filter(m -> event(m).equals("media")).count() >= 3, "greeted: " + out.size());
            assertTrue(out.stream().filter(m -> event(m).equals("media")).mapToDouble(m -> MuLaw.rms(payload(m))).max()
                    .orElse(0) > 500, "audible");
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));
        }
    }
}
