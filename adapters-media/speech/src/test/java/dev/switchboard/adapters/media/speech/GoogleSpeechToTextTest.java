package dev.switchboard.adapters.media.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.speech.v1.SpeechClient;
import dev.switchboard.ports.out.SpeechToText;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Endless streaming against a fake that enforces a short stream limit: no audio frame is lost. */
class GoogleSpeechToTextTest {
    private static final int FRAMES = 150;

    @Test
    void streamRestartedByTheServersLimitLosesNoFrame() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(300, 7)) {
            Set<Integer> heard = run(fake, Duration.ofMinutes(10), Duration.ofMinutes(10));
            assertTrue(fake.limitErrors.get() >= 2, "the fake's limit ended streams: " + fake.limitErrors.get());
            assertEquals(allFrames(), heard);
        }
    }

    @Test
    void streamRestartedBeforeTheLimitLosesNoFrame() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(600, 7)) {
            Set<Integer> heard = run(fake, Duration.ofMillis(200), Duration.ofMillis(400));
            assertEquals(0, fake.limitErrors.get(), "restarted before the service's limit");
            assertTrue(fake.streams.get() >= 4, "streams: " + fake.streams.get());
            assertEquals(allFrames(), heard);
        }
    }

    /**
     * A caller who stays quiet: the fake settles no final result until the end, so nothing is ever
     * covered. Restarts replay only the last window of audio (10 frames here), not everything since
     * the call began: the buffer is bounded, and the frames at the end are still heard.
     */
    @Test
    void aLongSilenceKeepsOnlyTheReplayWindow() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(10_000, 100_000)) {
            Set<Integer> heard = run(fake, Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ofMillis(200));
            int streams = fake.streams.get();
            assertTrue(streams >= 3, "the hard limit restarted the stream: " + streams);
            int windowFrames = 10; // 200 ms of audio: ten 160-byte (20 ms) frames
            assertTrue(fake.framesReceived.get() <= FRAMES + (streams - 1) * (windowFrames + 1),
                    "each restart replayed at most the window: " + fake.framesReceived.get() + " frames over "
                            + streams + " streams (unbounded, every restart replays all since the start)");
            assertTrue(heard.contains(FRAMES - 1) && heard.size() >= windowFrames,
                    "the last stream's audio, its replayed window included, is still transcribed: " + heard);
        }
    }

    private static Set<Integer> run(ScriptedSpeechServer fake, Duration restartAfter, Duration hardLimit) throws Exception {
        return run(fake, restartAfter, hardLimit, GoogleSpeechToText.DEFAULT_REPLAY_WINDOW);
    }

    /** Sends FRAMES numbered frames at 10 ms pace; returns the frame numbers final results named. */
    private static Set<Integer> run(ScriptedSpeechServer fake, Duration restartAfter, Duration hardLimit,
            Duration replayWindow) throws Exception {
        List<String> finals = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (SpeechClient client = GoogleSpeechClients.create(fake.endpoint())) {
            SpeechToText stt = new GoogleSpeechToText(client, restartAfter, hardLimit, replayWindow);
            SpeechToText.Stream stream = stt.open("pt-BR", new SpeechToText.Listener() {
                @Override
                public void interim(String transcript, float stability) {
                }

                @Override
                public void finalResult(String transcript) {
                    finals.add(transcript);
                }

                @Override
                public void failed(Throwable cause) {
                    failures.add(cause);
                }
            });
            for (int i = 0; i < FRAMES; i++) {
                stream.send(ScriptedSpeechServer.frame(i));
                TimeUnit.MILLISECONDS.sleep(10);
            }
            stream.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (heard(finals).size() < FRAMES && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        assertEquals(List.of(), failures);
        return heard(finals);
    }

    private static Set<Integer> heard(List<String> finals) {
        Set<Integer> frames = new TreeSet<>();
        for (String t : finals) {
            for (String word : t.trim().split("\\s+")) {
                if (word.startsWith("f")) {
                    frames.add(Integer.parseInt(word.substring(1)));
                }
            }
        }
        return frames;
    }

    private static Set<Integer> allFrames() {
        Set<Integer> all = new TreeSet<>();
        for (int i = 0; i < FRAMES; i++) {
            all.add(i);
        }
        return all;
    }
}
