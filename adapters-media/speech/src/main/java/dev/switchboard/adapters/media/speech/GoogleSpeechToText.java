package dev.switchboard.adapters.media.speech;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ClientStream;
import com.google.api.gax.rpc.ResponseObserver;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.StreamController;
import com.google.cloud.speech.v1.RecognitionConfig;
import com.google.cloud.speech.v1.SpeechClient;
import com.google.cloud.speech.v1.StreamingRecognitionConfig;
import com.google.cloud.speech.v1.StreamingRecognitionResult;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import com.google.protobuf.ByteString;
import dev.switchboard.ports.out.SpeechToText;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streaming speech-to-text through Google's {@code StreamingRecognize} (v1, μ-law 8 kHz, interim
 * results; docs/speech.md). One {@link SpeechClient} per process, one gRPC stream per call.
 *
 * <p><b>Chunks.</b> Twilio delivers 20 ms frames; Google recommends about 100 ms per request, so
 * audio is gathered into {@link Options#chunkBytes} (default 800 bytes, 100 ms) before it is sent:
 * five times fewer messages per call, for at most 80 ms more before the recognizer hears the end
 * of speech. A chunk of 160 bytes sends every Twilio frame as it comes. Whatever is pending goes
 * out before a planned restart and at {@link Stream#close()}. No request ever carries more than
 * {@link #MAX_REQUEST_BYTES}, Google's limit: a bigger payload (a Twilio {@code media} message may
 * hold about 48 KB) is split, or Google would refuse the stream with {@code INVALID_ARGUMENT}.
 *
 * <p><b>Endless streaming.</b> Google ends a stream after about 305 s. Each call's stream is
 * restarted at the first final result after {@code restartAfter} (a pause: nothing is cut), or at
 * {@code hardLimit} whatever happens. Such a planned restart half-closes the old stream, which
 * then finalizes all the audio it got (its results still count): nothing is replayed, or the
 * caller's last words would come back twice. A stream that fails instead loses what it had not
 * finalized, so every byte sent is kept until a final result covers it ({@code result_end_time},
 * counted from the start of that stream's audio), and after an error what is not covered yet is
 * replayed first on the new stream: no audio is lost across a restart. What is kept is bounded by
 * {@code replayWindow} (default {@link #DEFAULT_REPLAY_WINDOW}), in bytes: a caller who stays quiet
 * gets no final result, and without a bound a long silence would keep every byte of it (8 KB a
 * second per call) and replay all of it at the next restart. Audio older than the window with no
 * final result yet is dropped from the buffer: Google settles a final at every pause, so 15 s of
 * audio with none is silence or noise, and replaying it would only delay the next transcript.
 *
 * <p><b>Errors.</b> {@code OUT_OF_RANGE}, {@code UNAVAILABLE}, {@code INTERNAL} and {@code ABORTED},
 * and a stream the service completes without our half-close, restart the stream the same way,
 * after a backoff ({@link Options#firstBackoff} doubling up to {@link Options#maxBackoff}) taken
 * on the adapter's timer thread, never on the sender's: audio sent meanwhile is kept (within the
 * window) and replayed. Up to {@link #MAX_ERROR_RESTARTS} restarts in a row; the count starts again
 * when a stream gets any response or has run {@link Options#healthyAfter}, so a long call's
 * unrelated blips do not add up. Anything else stops transcription for that call
 * ({@link SpeechToText.Listener#failed}), never the call.
 *
 * <p><b>Close.</b> {@link Stream#close()} half-closes and returns; a stream that has not completed
 * {@link Options#closeGrace} later is cancelled (on the timer), so a final result that comes
 * shortly after close still reaches the listener, and a service that never completes holds no
 * call open. Nothing reaches the listener after the stream's completion or cancellation.
 *
 * <p><b>Threads.</b> One timer per adapter, one daemon thread named {@value #TIMER_THREAD}, that
 * exists only while a backoff or a close grace is pending (it ends when idle). {@link #close()}
 * stops it.
 */
public final class GoogleSpeechToText implements SpeechToText, AutoCloseable {
    static final int MAX_ERROR_RESTARTS = 5;
    /** Google's limit on one request's audio: 25 KB. */
    public static final int MAX_REQUEST_BYTES = 25_600;
    /** How much unsettled audio is kept for a restart to replay: 15 s, 120 KB per call. */
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofSeconds(15);
    static final String TIMER_THREAD = "sb-speech-timer";
    private static final Logger LOG = Logger.getLogger(GoogleSpeechToText.class.getName());
    private static final Set<StatusCode.Code> RESTARTABLE = Set.of(StatusCode.Code.OUT_OF_RANGE,
            StatusCode.Code.UNAVAILABLE, StatusCode.Code.INTERNAL, StatusCode.Code.ABORTED);
    private static final int BYTES_PER_MS = 8;

    /**
     * How the adapter paces and restarts its streams.
     *
     * @param restartAfter a stream is restarted at its first final result after this
     * @param hardLimit    a stream is restarted at this age whatever happens (Google stops at ~305 s)
     * @param replayWindow at most this much unsettled audio is kept for replay after an error
     * @param chunkBytes   audio is sent once this much is pending (1 to {@link #MAX_REQUEST_BYTES})
     * @param closeGrace   how long a closed stream may take to complete before it is cancelled
     * @param firstBackoff the wait before the first restart after an error, doubled each time
     * @param maxBackoff   the longest wait before a restart
     * @param healthyAfter a stream that ran this long before failing starts the restart count again
     */
    public record Options(Duration restartAfter, Duration hardLimit, Duration replayWindow, int chunkBytes,
            Duration closeGrace, Duration firstBackoff, Duration maxBackoff, Duration healthyAfter) {
        /** A pause after 4 minutes, 290 s at the latest, 15 s replayed, 100 ms chunks, 2 s to complete. */
        public static final Options DEFAULTS = new Options(Duration.ofMinutes(4), Duration.ofSeconds(290),
                DEFAULT_REPLAY_WINDOW, 100 * BYTES_PER_MS, Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofSeconds(2), Duration.ofSeconds(30));

        public Options {
            if (replayWindow.isNegative() || replayWindow.isZero()) {
                throw new IllegalArgumentException("replayWindow must be positive: " + replayWindow);
            }
            if (chunkBytes < 1 || chunkBytes > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("chunkBytes must be 1.." + MAX_REQUEST_BYTES + ": " + chunkBytes);
            }
            if (closeGrace.isNegative() || firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("closeGrace and backoffs must be >= 0, maxBackoff >= firstBackoff");
            }
        }

        public Options withRestarts(Duration restartAfter, Duration hardLimit) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }

        public Options withReplayWindow(Duration replayWindow) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }

        public Options withChunkBytes(int chunkBytes) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }

        public Options withCloseGrace(Duration closeGrace) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }

        public Options withBackoff(Duration firstBackoff, Duration maxBackoff) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }

        public Options withHealthyAfter(Duration healthyAfter) {
            return new Options(restartAfter, hardLimit, replayWindow, chunkBytes, closeGrace, firstBackoff,
                    maxBackoff, healthyAfter);
        }
    }

    private final SpeechClient client;
    private final Options options;
    private final long replayBytes;
    private final ScheduledExecutorService timer;
    private final boolean ownsTimer;

    /** Google's limits: restart at a pause after 4 minutes, at 290 s at the latest. */
    public GoogleSpeechToText(SpeechClient client) {
        this(client, Options.DEFAULTS);
    }

    public GoogleSpeechToText(SpeechClient client, Duration restartAfter, Duration hardLimit) {
        this(client, Options.DEFAULTS.withRestarts(restartAfter, hardLimit));
    }

    public GoogleSpeechToText(SpeechClient client, Duration restartAfter, Duration hardLimit, Duration replayWindow) {
        this(client, Options.DEFAULTS.withRestarts(restartAfter, hardLimit).withReplayWindow(replayWindow));
    }

    public GoogleSpeechToText(SpeechClient client, Options options) {
        this(client, options, newTimer(), true);
    }

    /** Tests: a timer they observe; the caller shuts it down. */
    GoogleSpeechToText(SpeechClient client, Options options, ScheduledExecutorService timer) {
        this(client, options, timer, false);
    }

    private GoogleSpeechToText(SpeechClient client, Options options, ScheduledExecutorService timer, boolean ownsTimer) {
        this.client = client;
        this.options = options;
        this.replayBytes = options.replayWindow().toMillis() * BYTES_PER_MS;
        this.timer = timer;
        this.ownsTimer = ownsTimer;
    }

    /**
     * One daemon thread for every call's backoffs and close graces: short tasks that only open or
     * cancel a gRPC call. It ends when nothing is pending, so an idle process holds no thread.
     */
    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(TIMER_THREAD).daemon(true).factory());
        t.setKeepAliveTime(5, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Stream open(String languageCode, Listener listener) {
        return new CallStream(languageCode, listener);
    }

    /** Stops the timer (if this adapter made it): pending backoffs and close graces are dropped. */
    @Override
    public void close() {
        if (ownsTimer) {
            timer.shutdownNow();
        }
    }

    private final class CallStream implements Stream {
        private final StreamingRecognizeRequest configRequest;
        private final Listener listener;
        /** Audio sent (or due for replay) not yet covered by a final result, oldest first. */
        private final Deque<Chunk> unsettled = new ArrayDeque<>();
        /** The bytes in {@link #unsettled}, kept at most {@code replayBytes}. */
        private long unsettledBytes;
        /** Audio not sent yet: less than one chunk. */
        private final byte[] pending = new byte[options.chunkBytes()];
        private int pendingLength;
        /** The stream audio goes to; null while a restart waits for its backoff. */
        private Generation generation;
        private ScheduledFuture<?> reopen;
        private long streamBytes;
        private long startedNanos;
        private boolean finalSinceRestartWindow;
        private int errorRestarts;
        private boolean closed;
        private boolean failed;
        /** Done when the stream open at {@link #close()} has ended (completed, failed or cancelled). */
        private final java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();
        /** The stream open at {@link #close()}, whose end completes {@link #drained}. */
        private volatile Generation closing;

        CallStream(String languageCode, Listener listener) {
            this.listener = listener;
            this.configRequest = StreamingRecognizeRequest.newBuilder().setStreamingConfig(
                    StreamingRecognitionConfig.newBuilder()
                            .setConfig(RecognitionConfig.newBuilder()
                                    .setEncoding(RecognitionConfig.AudioEncoding.MULAW)
                                    .setSampleRateHertz(8000)
                                    .setAudioChannelCount(1)
                                    .setLanguageCode(languageCode)
                                    .setEnableAutomaticPunctuation(true)
                                    .setMaxAlternatives(1))
                            .setInterimResults(true)
                            .setSingleUtterance(false))
                    .build();
            synchronized (this) {
                openStream();
            }
        }

        @Override
        public synchronized void send(byte[] mulaw) {
            if (closed || failed) {
                return;
            }
            if (generation != null) {
                long elapsed = System.nanoTime() - startedNanos;
                if (elapsed >= options.hardLimit().toNanos()
                        || (elapsed >= options.restartAfter().toNanos() && finalSinceRestartWindow)) {
                    flush();     // the old stream finalizes it: nothing pending is replayed twice
                    plannedRestart("stream age " + Duration.ofNanos(elapsed).toMillis() + " ms");
                }
            }
            if (pendingLength + mulaw.length < pending.length) {
                System.arraycopy(mulaw, 0, pending, pendingLength, mulaw.length);
                pendingLength += mulaw.length;
                return;
            }
            byte[] all = Arrays.copyOf(pending, pendingLength + mulaw.length);
            System.arraycopy(mulaw, 0, all, pendingLength, mulaw.length);
            pendingLength = 0;
            emit(all);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (failed) {
                drained.complete(null);
                return;
            }
            if (generation == null) {
                // A backoff was pending: the caller's last words still get one stream.
                if (reopen != null) {
                    reopen.cancel(false);
                    reopen = null;
                }
                openStream();
                replay();
            }
            flush();
            Generation g = generation;
            unsettled.clear();
            unsettledBytes = 0;
            closing = g;
            halfCloseAndCancelLater(g, "half-closing a speech stream");
            if (g.hasEnded()) {
                drained.complete(null);
            }
        }

        @Override
        public boolean awaitClosed(Duration wait) {
            try {
                drained.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** A stream has ended: when it is the one open at close, its results are all delivered. */
        private void ended(Generation g) {
            if (g == closing) {
                drained.complete(null);
            }
        }

        /** Caller holds the lock. */
        private void openStream() {
            Generation g = new Generation();
            generation = g;
            g.requests = client.streamingRecognizeCallable().splitCall(g);
            g.requests.send(configRequest);
            streamBytes = 0;
            startedNanos = System.nanoTime();
            g.startedNanos = startedNanos;
            finalSinceRestartWindow = false;
        }

        /** Caller holds the lock: the old stream finalizes what it got, so nothing is replayed. */
        private void plannedRestart(String why) {
            Generation old = generation;
            halfCloseAndCancelLater(old, "half-closing a speech stream before restart");
            openStream();
            unsettled.clear();
            unsettledBytes = 0;
            LOG.fine("speech stream restarted (" + why + ")");
        }

        /** Caller holds the lock: half-closes {@code g}, and cancels it if it has not completed in time. */
        private void halfCloseAndCancelLater(Generation g, String what) {
            try {
                g.requests.closeSend();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, what, e);
            }
            try {
                g.cancelLater = timer.schedule(g::cancelIfRunning, options.closeGrace().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {   // the adapter is closed: no grace
                g.cancelNow();
            }
        }

        /**
         * Caller holds the lock: the current stream ended without our half-close (an error, or the
         * service completed it). Its unsettled audio is replayed on a new stream after a backoff.
         */
        private void streamEnded(Generation g, Throwable error) {
            if (g != generation || closed || failed) {
                return;     // a retired stream, or one we closed: its end is expected
            }
            generation = null;
            String why;
            if (error == null) {
                why = "completed by the service";
            } else if (error instanceof ApiException api && RESTARTABLE.contains(api.getStatusCode().getCode())) {
                why = api.getStatusCode().getCode() + ": " + error.getMessage();
            } else {
                fail(error);
                return;
            }
            if (System.nanoTime() - g.startedNanos >= options.healthyAfter().toNanos()) {
                errorRestarts = 0;
            }
            if (errorRestarts++ >= MAX_ERROR_RESTARTS) {
                fail(error != null ? error : new IllegalStateException("the speech service completed "
                        + (MAX_ERROR_RESTARTS + 1) + " streams in a row without a response"));
                return;
            }
            long delayMs = Math.min(options.firstBackoff().toMillis() << Math.min(errorRestarts - 1, 20),
                    options.maxBackoff().toMillis());
            try {
                reopen = timer.schedule(this::reopen, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                fail(error != null ? error : e);
                return;
            }
            LOG.fine("speech stream ended (" + why + "), restarting in " + delayMs + " ms");
        }

        /** On the timer: the backoff is over. */
        private synchronized void reopen() {
            reopen = null;
            if (closed || failed || generation != null) {
                return;
            }
            openStream();
            int chunks = replay();
            LOG.fine("speech stream restarted after an error, replayed " + chunks + " chunk(s)");
        }

        /** Caller holds the lock: what no final result covered yet, first on the new stream. */
        private int replay() {
            Deque<Chunk> again = new ArrayDeque<>(unsettled);
            unsettled.clear();
            unsettledBytes = 0;
            for (Chunk c : again) {
                keep(new Chunk(streamBytes, c.bytes));
                if (generation != null) {
                    sendAudio(c.bytes);
                }
            }
            return again.size();
        }

        private void fail(Throwable cause) {
            failed = true;
            listener.failed(cause);
        }

        /** Caller holds the lock: sends what is pending. */
        private void flush() {
            if (pendingLength > 0) {
                byte[] rest = Arrays.copyOf(pending, pendingLength);
                pendingLength = 0;
                emit(rest);
            }
        }

        /** Caller holds the lock: sends {@code audio} in requests within Google's limit, keeping it for replay. */
        private void emit(byte[] audio) {
            for (int from = 0; from < audio.length; from += MAX_REQUEST_BYTES) {
                byte[] piece = from == 0 && audio.length <= MAX_REQUEST_BYTES
                        ? audio : Arrays.copyOfRange(audio, from, Math.min(audio.length, from + MAX_REQUEST_BYTES));
                keep(new Chunk(streamBytes, piece));
                if (generation != null) {
                    sendAudio(piece);
                }
            }
        }

        /** Caller holds the lock, {@link #generation} is set. */
        private void sendAudio(byte[] piece) {
            generation.requests.send(StreamingRecognizeRequest.newBuilder()
                    .setAudioContent(ByteString.copyFrom(piece)).build());
            streamBytes += piece.length;
        }

        /** Caller holds the lock: keeps a chunk for replay, dropping the oldest bytes beyond the window. */
        private void keep(Chunk chunk) {
            unsettled.addLast(chunk);
            unsettledBytes += chunk.bytes.length;
            while (unsettledBytes > replayBytes) {
                Chunk oldest = unsettled.removeFirst();
                long excess = unsettledBytes - replayBytes;
                if (oldest.bytes.length <= excess) {
                    unsettledBytes -= oldest.bytes.length;
                } else {
                    unsettled.addFirst(oldest.from((int) excess));
                    unsettledBytes -= excess;
                }
            }
        }

        /** A response from {@code g}: the service works, whether or not it settled anything. */
        private synchronized void responded(Generation g) {
            if (g == generation) {
                errorRestarts = 0;
            }
        }

        private synchronized void settled(Generation g, long endMs) {
            if (g != generation) {
                return;
            }
            long covered = endMs * BYTES_PER_MS;
            while (!unsettled.isEmpty() && unsettled.peekFirst().offset < covered) {
                Chunk first = unsettled.removeFirst();
                long end = first.offset + first.bytes.length;
                if (end <= covered) {
                    unsettledBytes -= first.bytes.length;
                } else {
                    int cut = (int) (covered - first.offset);
                    unsettled.addFirst(first.from(cut));
                    unsettledBytes -= cut;
                }
            }
            if (System.nanoTime() - startedNanos >= options.restartAfter().toNanos()) {
                finalSinceRestartWindow = true;
            }
        }

        /** Audio at {@code offset} bytes into the stream it was sent on. */
        private record Chunk(long offset, byte[] bytes) {
            /** The part of this chunk from {@code skip} bytes on. */
            Chunk from(int skip) {
                return new Chunk(offset + skip, Arrays.copyOfRange(bytes, skip, bytes.length));
            }
        }

        /**
         * The observer of one gRPC stream. Results of a retired stream still count, its end does
         * not. Once it has completed, failed or been cancelled ({@link #finished}), nothing more
         * reaches the listener: every callback checks that under this object's lock.
         */
        private final class Generation implements ResponseObserver<StreamingRecognizeResponse> {
            ClientStream<StreamingRecognizeRequest> requests;
            long startedNanos;
            volatile ScheduledFuture<?> cancelLater;
            private volatile StreamController controller;
            /** Written under this object's lock; read without it by {@link #hasEnded}. */
            private volatile boolean finished;

            @Override
            public void onStart(StreamController controller) {
                this.controller = controller;
            }

            @Override
            public synchronized void onResponse(StreamingRecognizeResponse response) {
                if (finished) {
                    return;
                }
                responded(this);
                for (StreamingRecognitionResult r : response.getResultsList()) {
                    if (r.getAlternativesCount() == 0) {
                        continue;
                    }
                    String transcript = r.getAlternatives(0).getTranscript();
                    if (r.getIsFinal()) {
                        long endMs = r.getResultEndTime().getSeconds() * 1000 + r.getResultEndTime().getNanos() / 1_000_000;
                        settled(this, endMs);
                        listener.finalResult(transcript);
                    } else {
                        listener.interim(transcript, r.getStability());
                    }
                }
            }

            @Override
            public synchronized void onError(Throwable t) {
                if (end()) {
                    streamEnded(this, t);
                }
            }

            @Override
            public synchronized void onComplete() {
                if (end()) {
                    streamEnded(this, null);
                }
            }

            /** Caller holds this lock: true the first time this stream ends. */
            private boolean end() {
                if (finished) {
                    return false;
                }
                finished = true;
                ScheduledFuture<?> pendingCancel = cancelLater;
                if (pendingCancel != null) {
                    pendingCancel.cancel(false);
                }
                ended(this);
                return true;
            }

            /** Without this object's lock: the caller holds the call's (lock order: this, then the call's). */
            boolean hasEnded() {
                return finished;
            }

            /** On the timer: the close grace is over. */
            void cancelIfRunning() {
                synchronized (this) {
                    if (finished) {
                        return;
                    }
                    finished = true;
                }
                ended(this);
                cancelNow();
            }

            /** Without this object's lock: the caller may hold the call's (lock order: this, then the call's). */
            void cancelNow() {
                StreamController c = controller;
                if (c != null) {
                    c.cancel();
                }
            }
        }
    }
}
