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
    void streamRestartedBeforeTheLimitLosesNoFrameAndHearsNoneTwice() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(600, 7)) {
            List<Integer> heard = new CopyOnWriteArrayList<>();
            // Restarts at the hard limit, wherever the caller is: mid-utterance, frames not yet final.
            Set<Integer> distinct = run(fake, Duration.ofMinutes(10), Duration.ofMillis(300),
                    GoogleSpeechToText.DEFAULT_REPLAY_WINDOW, heard);
            assertEquals(0, fake.limitErrors.get(), "restarted before the service's limit");
            assertTrue(fake.streams.get() >= 4, "streams: " + fake.streams.get());
            assertEquals(allFrames(), distinct);
            // A planned restart half-closes the old stream, which finalizes what it got: replaying
            // that on the new stream made the caller's words come back twice.
            assertEquals(FRAMES, heard.size(), "each frame in exactly one final result: " + heard);
        }
    }

    /**
     * A caller who stays quiet: the fake settles no final result until the end, so nothing is ever
     * covered, and its stream limit fails each stream (as Google's does) so each restart replays.
     * Restarts replay only the last window of audio (10 frames here), not everything since the call
     * began: the buffer is bounded, and the frames at the end are still heard.
     */
    @Test
    void aLongSilenceKeepsOnlyTheReplayWindow() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(500, 100_000)) {
            Set<Integer> heard = run(fake, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMillis(200),
                    new CopyOnWriteArrayList<>());
            int streams = fake.streams.get();
            assertTrue(streams >= 3, "the service's limit failed the stream and it was restarted: " + streams);
            int windowFrames = 10; // 200 ms of audio: ten 160-byte (20 ms) frames
            assertTrue(fake.framesReceived.get() <= FRAMES + (streams - 1) * (windowFrames + 1),
                    "each restart replayed at most the window: " + fake.framesReceived.get() + " frames over "
                            + streams + " streams (unbounded, every restart replays all since the start)");
            assertTrue(heard.contains(FRAMES - 1) && heard.size() >= windowFrames,
                    "the last stream's audio, its replayed window included, is still transcribed: " + heard);
        }
    }

    private static Set<Integer> run(ScriptedSpeechServer fake, Duration restartAfter, Duration hardLimit) throws Exception {
        return run(fake, restartAfter, hardLimit, GoogleSpeechToText.DEFAULT_REPLAY_WINDOW, new CopyOnWriteArrayList<>());
    }

    /**
     * Sends FRAMES numbered frames at 10 ms pace; returns the frame numbers final results named
     * and adds each naming, repeats included, to {@code every}.
     */
    private static Set<Integer> run(ScriptedSpeechServer fake, Duration restartAfter, Duration hardLimit,
            Duration replayWindow, List<Integer> every) throws Exception {
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
            while (heard(finals).size() < FRAMES && !heard(finals).contains(FRAMES - 1) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            TimeUnit.MILLISECONDS.sleep(200);   // any late duplicate of the last final
        }
        assertEquals(List.of(), failures);
        for (String t : finals) {
            for (String word : t.trim().split("\\s+")) {
                if (word.startsWith("f")) {
                    every.add(Integer.parseInt(word.substring(1)));
                }
            }
        }
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
