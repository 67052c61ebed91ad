package dev.switchboard.adapters.media.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.speech.v1.SpeechClient;
import dev.switchboard.ports.out.SpeechToText;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Endless streaming against a fake that enforces a short stream limit (and Google's request size
 * limit): no audio frame is lost, audio goes out in chunks, errors restart after a backoff.
 */
class GoogleSpeechToTextTest {
    private static final int FRAMES = 150;
    private static final GoogleSpeechToText.Options NEVER_RESTART = GoogleSpeechToText.Options.DEFAULTS
            .withRestarts(Duration.ofMinutes(10), Duration.ofMinutes(10));

    @Test
    void streamRestartedByTheServersLimitLosesNoFrame() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(300, 7)) {
            Set<Integer> heard = run(fake, Duration.ofMinutes(10), Duration.ofMinutes(10));
            assertTrue(fake.limitErrors.get() >= 2, "the fake's limit ended streams: " + fake.limitErrors.get());
            assertEquals(frames(0, FRAMES), heard);
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
            assertEquals(frames(0, FRAMES), distinct);
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
            assertTrue(fake.framesReceived.get() <= FRAMES + (streams - 1) * windowFrames,
                    "each restart replayed at most the window: " + fake.framesReceived.get() + " frames over "
                            + streams + " streams (unbounded, every restart replays all since the start)");
            assertTrue(heard.contains(FRAMES - 1) && heard.size() >= windowFrames,
                    "the last stream's audio, its replayed window included, is still transcribed: " + heard);
        }
    }

    /** Five 20 ms frames per request, Google's recommended 100 ms; the odd frames at the end go at close. */
    @Test
    void audioGoesToGoogleIn100MsChunksAndTheRestAtClose() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 7);
             Call call = new Call(fake, NEVER_RESTART)) {
            call.sendPaced(0, 152);
            call.stream.close();
            call.awaitHeard(151);
            assertEquals(frames(0, 152), call.heard.frames());
            assertEquals(152, call.heard.every().size(), "each frame once: " + call.heard.every());
            assertEquals(30 + 1, fake.audioRequests.get(), "30 requests of 800 bytes, and 320 bytes at close");
        }
    }

    @Test
    void aChunkOf160BytesSendsEachTwilioFrameAsItComes() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 7);
             Call call = new Call(fake, NEVER_RESTART.withChunkBytes(160))) {
            call.sendPaced(0, 20);
            assertEquals(20, call.awaitAudioRequests(fake, 20), "one request per frame, before close");
            call.stream.close();
            call.awaitHeard(19);
            assertEquals(frames(0, 20), call.heard.frames());
        }
    }

    /**
     * A Twilio media payload can hold about 48 KB; Google refuses a request over 25,600 bytes with
     * INVALID_ARGUMENT, which stopped transcription for the call. Split, it is all heard.
     */
    @ParameterizedTest
    @ValueSource(ints = {800, 160})
    void aPayloadOverGooglesRequestLimitIsSplit(int chunkBytes) throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 7);
             Call call = new Call(fake, NEVER_RESTART.withChunkBytes(chunkBytes))) {
            call.stream.send(ScriptedSpeechServer.frames(0, 300)); // 48,000 bytes in one send
            call.sendPaced(300, 310);
            call.stream.close();
            call.awaitHeard(309);
            assertEquals(List.of(), call.heard.failures);
            assertTrue(fake.largestAudioRequest.get() <= ScriptedSpeechServer.MAX_REQUEST_BYTES,
                    "largest request: " + fake.largestAudioRequest.get());
        }
    }

    /**
     * A service that fails every stream: restarts wait 100, 200, 400, 800, 1600 ms, on the
     * adapter's timer (never in the sender's send), then transcription stops for the call.
     */
    @Test
    void errorRestartsBackOffOnTheTimerThenGiveUp() throws Exception {
        RecordingTimer timer = new RecordingTimer();
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(-1, 7).limitStatus(Status.Code.UNAVAILABLE);
             Call call = new Call(fake, NEVER_RESTART, timer)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; call.heard.failures.isEmpty() && System.nanoTime() < deadline; i++) {
                call.stream.send(ScriptedSpeechServer.frame(i));
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertEquals(1, call.heard.failures.size(), "transcription stopped: " + call.heard.failures);
            assertEquals(StatusCode.Code.UNAVAILABLE,
                    assertInstanceOf(ApiException.class, call.heard.failures.get(0)).getStatusCode().getCode());
            assertEquals(List.of(100L, 200L, 400L, 800L, 1600L), timer.delaysMs, "the backoffs scheduled");
            assertEquals(GoogleSpeechToText.MAX_ERROR_RESTARTS + 1, fake.streams.get());
            call.stream.close();
        } finally {
            timer.shutdownNow();
        }
    }

    /** Audio sent while a restart waits for its backoff is replayed on the new stream. */
    @Test
    void audioSentDuringTheBackoffIsReplayed() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(200, 7);
             Call call = new Call(fake, NEVER_RESTART.withBackoff(Duration.ofMillis(300), Duration.ofMillis(300)))) {
            call.sendPaced(0, FRAMES);
            call.stream.close();
            call.awaitHeard(FRAMES - 1);
            assertTrue(fake.limitErrors.get() >= 2, "limit errors: " + fake.limitErrors.get());
            assertEquals(List.of(), call.heard.failures);
            assertEquals(frames(0, FRAMES), call.heard.frames());
        }
    }

    /**
     * Streams that fail now and then but answer in between (interim results, no final: a quiet
     * caller): the service works, so its blips do not add up to giving up on the call.
     */
    @Test
    void anyResponseStartsTheErrorCountAgain() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60, 100_000)
                .limitStatus(Status.Code.UNAVAILABLE).interimOnEveryStream();
             Call call = new Call(fake, NEVER_RESTART.withBackoff(Duration.ofMillis(5), Duration.ofMillis(5)))) {
            call.sendPaced(0, FRAMES);
            call.stream.close();
            call.awaitHeard(FRAMES - 1);
            assertTrue(fake.limitErrors.get() > GoogleSpeechToText.MAX_ERROR_RESTARTS + 1,
                    "more blips than the limit: " + fake.limitErrors.get());
            assertTrue(call.heard.interims.size() > GoogleSpeechToText.MAX_ERROR_RESTARTS);
            assertEquals(List.of(), call.heard.failures);
        }
    }

    /** A stream that ran healthy for a while (healthyAfter, 50 ms here) also starts the count again. */
    @Test
    void aStreamThatRanHealthyStartsTheErrorCountAgain() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60, 100_000).limitStatus(Status.Code.UNAVAILABLE);
             Call call = new Call(fake, NEVER_RESTART.withBackoff(Duration.ofMillis(5), Duration.ofMillis(5))
                     .withHealthyAfter(Duration.ofMillis(50)))) {
            call.sendPaced(0, FRAMES);
            call.stream.close();
            call.awaitHeard(FRAMES - 1);
            assertTrue(fake.limitErrors.get() > GoogleSpeechToText.MAX_ERROR_RESTARTS + 1,
                    "more blips than the limit: " + fake.limitErrors.get());
            assertEquals(List.of(), call.heard.failures);
        }
    }

    /** The service completes the first stream on its own, dropping what it had not settled. */
    @Test
    void aStreamTheServiceCompletesIsRestartedWithItsAudio() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 7).completeFirstStreamAfterFrames(40);
             Call call = new Call(fake, NEVER_RESTART)) {
            call.sendPaced(0, FRAMES);
            call.stream.close();
            call.awaitHeard(FRAMES - 1);
            assertEquals(2, fake.streams.get());
            assertEquals(List.of(), call.heard.failures);
            assertEquals(frames(0, FRAMES), call.heard.frames());
        }
    }

    /** close() half-closes; a final result the service sends 500 ms later still reaches the listener. */
    @Test
    void aFinalResultShortlyAfterCloseStillArrives() throws Exception {
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 1000).afterHalfClose(500);
             Call call = new Call(fake, NEVER_RESTART)) {
            call.sendPaced(0, 20);
            call.stream.close();
            call.awaitHeard(19);
            assertEquals(frames(0, 20), call.heard.frames());
            assertEquals(0, fake.cancelled.get());
        }
    }

    /** A service that never completes a half-closed stream: cancelled after the grace, on the timer. */
    @Test
    void closeCancelsAStreamTheServiceNeverCompletes() throws Exception {
        RecordingTimer timer = new RecordingTimer();
        try (ScriptedSpeechServer fake = new ScriptedSpeechServer(60_000, 1000).afterHalfClose(-1);
             Call call = new Call(fake, NEVER_RESTART.withCloseGrace(Duration.ofMillis(200)), timer)) {
            call.sendPaced(0, 20);
            call.stream.close();
            assertEquals(List.of(200L), timer.delaysMs, "the cancel is scheduled, not waited for in close()");
            awaitTrue(() -> fake.cancelled.get() == 1, "the server saw the call cancelled");
            assertEquals(List.of(), call.heard.failures, "the cancel is not reported as a failure");
        } finally {
            timer.shutdownNow();
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
        try (Call call = new Call(fake, GoogleSpeechToText.Options.DEFAULTS.withRestarts(restartAfter, hardLimit)
                .withReplayWindow(replayWindow))) {
            call.sendPaced(0, FRAMES);
            call.stream.close();
            call.awaitHeard(FRAMES - 1);
            TimeUnit.MILLISECONDS.sleep(200);   // any late duplicate of the last final
            assertEquals(List.of(), call.heard.failures);
            every.addAll(call.heard.every());
            return call.heard.frames();
        }
    }

    private static Set<Integer> frames(int from, int to) {
        Set<Integer> all = new TreeSet<>();
        for (int i = from; i < to; i++) {
            all.add(i);
        }
        return all;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** One call's stream through the real adapter and client to the fake. */
    private static final class Call implements AutoCloseable {
        final Heard heard = new Heard();
        final SpeechClient client;
        final GoogleSpeechToText stt;
        final SpeechToText.Stream stream;

        Call(ScriptedSpeechServer fake, GoogleSpeechToText.Options options) throws Exception {
            this(fake, options, null);
        }

        Call(ScriptedSpeechServer fake, GoogleSpeechToText.Options options, ScheduledExecutorService timer)
                throws Exception {
            client = GoogleSpeechClients.create(fake.endpoint());
            stt = timer == null ? new GoogleSpeechToText(client, options) : new GoogleSpeechToText(client, options, timer);
            stream = stt.open("pt-BR", heard);
        }

        /** Frames {@code from..to-1}, one per send, at 10 ms pace (Twilio's is 20 ms). */
        void sendPaced(int from, int to) throws InterruptedException {
            for (int i = from; i < to; i++) {
                stream.send(ScriptedSpeechServer.frame(i));
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }

        void awaitHeard(int frame) throws InterruptedException {
            awaitTrue(() -> heard.frames().contains(frame) || !heard.failures.isEmpty(),
                    "frame " + frame + " in a final result: " + heard.frames());
        }

        int awaitAudioRequests(ScriptedSpeechServer fake, int n) throws InterruptedException {
            awaitTrue(() -> fake.audioRequests.get() >= n, n + " audio requests, got " + fake.audioRequests.get());
            return fake.audioRequests.get();
        }

        @Override
        public void close() throws Exception {
            stt.close();
            client.close();
            client.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** What the listener got. */
    private static final class Heard implements SpeechToText.Listener {
        final List<String> finals = new CopyOnWriteArrayList<>();
        final List<String> interims = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void interim(String transcript, float stability) {
            interims.add(transcript);
        }

        @Override
        public void finalResult(String transcript) {
            finals.add(transcript);
        }

        @Override
        public void failed(Throwable cause) {
            failures.add(cause);
        }

        /** Every frame number final results named, repeats included. */
        List<Integer> every() {
            List<Integer> all = new java.util.ArrayList<>();
            for (String t : finals) {
                for (String word : t.trim().split("\\s+")) {
                    if (word.startsWith("f")) {
                        all.add(Integer.parseInt(word.substring(1)));
                    }
                }
            }
            return all;
        }

        Set<Integer> frames() {
            return new TreeSet<>(every());
        }
    }

    /** A real timer that records the delay of everything scheduled on it. */
    private static final class RecordingTimer extends ScheduledThreadPoolExecutor {
        final List<Long> delaysMs = new CopyOnWriteArrayList<>();

        RecordingTimer() {
            super(1, Thread.ofPlatform().name("test-speech-timer").daemon(true).factory());
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delaysMs.add(unit.toMillis(delay));
            return super.schedule(command, delay, unit);
        }
    }
}
