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

    /** Sends FRAMES numbered frames at 10 ms pace; returns the frame numbers final results named. */
    private static Set<Integer> run(ScriptedSpeechServer fake, Duration restartAfter, Duration hardLimit) throws Exception {
        List<String> finals = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (SpeechClient client = GoogleSpeechClients.create(fake.endpoint())) {
            SpeechToText stt = new GoogleSpeechToText(client, restartAfter, hardLimit);
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
