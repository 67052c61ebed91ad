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
import java.util.Deque;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streaming speech-to-text through Google's {@code StreamingRecognize} (v1, μ-law 8 kHz, interim
 * results; docs/speech.md). One {@link SpeechClient} per process, one gRPC stream per call.
 *
 * <p><b>Endless streaming.</b> Google ends a stream after about 305 s. Each call's stream is
 * restarted at the first final result after {@code restartAfter} (a pause: nothing is cut), or at
 * {@code hardLimit} whatever happens. Such a planned restart half-closes the old stream, which
 * then finalizes all the audio it got (its results still count): nothing is replayed, or the
 * caller's last words would come back twice. A stream that fails instead loses what it had not
 * finalized, so every audio chunk is kept until a final result covers it
 * ({@code result_end_time}, counted from the start of that stream's audio), and after an error
 * what is not covered yet is replayed first on the new stream: no audio is lost across a restart.
 * What is kept is bounded by {@code replayWindow} (default {@link #DEFAULT_REPLAY_WINDOW}): a
 * caller who stays quiet gets no final result, and without a bound a long silence would keep every
 * frame of it (8 KB a second per call) and replay all of it at the next restart. Audio older than
 * the window with no final result yet is dropped from the buffer: Google settles a final at every
 * pause, so 15 s of audio with none is silence or noise, and replaying it would only delay the
 * next transcript.
 * {@code OUT_OF_RANGE}, {@code UNAVAILABLE}, {@code INTERNAL} and {@code ABORTED} also restart the
 * stream the same way, up to {@link #MAX_ERROR_RESTARTS} times in a row; anything else stops
 * transcription for that call ({@link SpeechToText.Listener#failed}), never the call.
 */
public final class GoogleSpeechToText implements SpeechToText {
    static final int MAX_ERROR_RESTARTS = 5;
    private static final Logger LOG = Logger.getLogger(GoogleSpeechToText.class.getName());
    private static final Set<StatusCode.Code> RESTARTABLE = Set.of(StatusCode.Code.OUT_OF_RANGE,
            StatusCode.Code.UNAVAILABLE, StatusCode.Code.INTERNAL, StatusCode.Code.ABORTED);
    private static final int BYTES_PER_MS = 8;
    /** How much unsettled audio is kept for a restart to replay: 15 s, 120 KB per call. */
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofSeconds(15);

    private final SpeechClient client;
    private final Duration restartAfter;
    private final Duration hardLimit;
    private final long replayBytes;

    /** Google's limits: restart at a pause after 4 minutes, at 290 s at the latest. */
    public GoogleSpeechToText(SpeechClient client) {
        this(client, Duration.ofMinutes(4), Duration.ofSeconds(290));
    }

    public GoogleSpeechToText(SpeechClient client, Duration restartAfter, Duration hardLimit) {
        this(client, restartAfter, hardLimit, DEFAULT_REPLAY_WINDOW);
    }

    public GoogleSpeechToText(SpeechClient client, Duration restartAfter, Duration hardLimit, Duration replayWindow) {
        if (replayWindow.isNegative() || replayWindow.isZero()) {
            throw new IllegalArgumentException("replayWindow must be positive: " + replayWindow);
        }
        this.client = client;
        this.restartAfter = restartAfter;
        this.hardLimit = hardLimit;
        this.replayBytes = replayWindow.toMillis() * BYTES_PER_MS;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Stream open(String languageCode, Listener listener) {
        return new CallStream(languageCode, listener);
    }

    private final class CallStream implements Stream {
        private final StreamingRecognizeRequest configRequest;
        private final Listener listener;
        /** Audio sent on the current stream not yet covered by a final result: {offset, bytes}. */
        private final Deque<Chunk> unsettled = new ArrayDeque<>();
        /** The bytes in {@link #unsettled}, kept at most {@code replayBytes} (plus one chunk). */
        private long unsettledBytes;
        private ClientStream<StreamingRecognizeRequest> current;
        private Generation generation;
        private long streamBytes;
        private long startedNanos;
        private boolean finalSinceRestartWindow;
        private int errorRestarts;
        private boolean closed;
        private boolean failed;

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
            long elapsed = System.nanoTime() - startedNanos;
            if (elapsed >= hardLimit.toNanos() || (elapsed >= restartAfter.toNanos() && finalSinceRestartWindow)) {
                restart("stream age " + Duration.ofNanos(elapsed).toMillis() + " ms", false);
            }
            Chunk chunk = new Chunk(streamBytes, mulaw.clone());
            keep(chunk);
            sendAudio(chunk.bytes);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            unsettled.clear();
            unsettledBytes = 0;
            try {
                current.closeSend();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "half-closing a speech stream", e);
            }
        }

        /** Caller holds the lock. */
        private void openStream() {
            Generation g = new Generation();
            generation = g;
            current = client.streamingRecognizeCallable().splitCall(g);
            current.send(configRequest);
            streamBytes = 0;
            startedNanos = System.nanoTime();
            finalSinceRestartWindow = false;
        }

        /**
         * Caller holds the lock: a new stream; after an error ({@code replay}) it first gets what no
         * final result covered yet, since the failed stream will finalize nothing more.
         */
        private void restart(String why, boolean replay) {
            ClientStream<StreamingRecognizeRequest> old = current;
            generation.retired = true;
            try {
                old.closeSend();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "half-closing a speech stream before restart", e);
            }
            openStream();
            Deque<Chunk> again = replay ? new ArrayDeque<>(unsettled) : new ArrayDeque<>();
            unsettled.clear();
            unsettledBytes = 0;
            for (Chunk c : again) {
                Chunk moved = new Chunk(streamBytes, c.bytes);
                keep(moved);
                sendAudio(moved.bytes);
            }
            LOG.fine("speech stream restarted (" + why + "), replayed " + again.size() + " chunk(s)");
        }

        /** Caller holds the lock: keeps a chunk for replay, dropping the oldest beyond the window. */
        private void keep(Chunk chunk) {
            unsettled.addLast(chunk);
            unsettledBytes += chunk.bytes.length;
            while (unsettledBytes - unsettled.peekFirst().bytes.length >= replayBytes) {
                unsettledBytes -= unsettled.removeFirst().bytes.length;
            }
        }

        private void sendAudio(byte[] bytes) {
            current.send(StreamingRecognizeRequest.newBuilder().setAudioContent(ByteString.copyFrom(bytes)).build());
            streamBytes += bytes.length;
        }

        private synchronized void settled(Generation g, long endMs) {
            if (g != generation) {
                return;
            }
            long covered = endMs * BYTES_PER_MS;
            while (!unsettled.isEmpty() && unsettled.peekFirst().offset + unsettled.peekFirst().bytes.length <= covered) {
                unsettledBytes -= unsettled.removeFirst().bytes.length;
            }
            errorRestarts = 0;
            if (System.nanoTime() - startedNanos >= restartAfter.toNanos()) {
                finalSinceRestartWindow = true;
            }
        }

        private synchronized void streamFailed(Generation g, Throwable t) {
            if (g != generation || closed || failed) {
                return;
            }
            if (t instanceof ApiException api && RESTARTABLE.contains(api.getStatusCode().getCode())
                    && errorRestarts++ < MAX_ERROR_RESTARTS) {
                restart(api.getStatusCode().getCode() + ": " + t.getMessage(), true);
                return;
            }
            failed = true;
            listener.failed(t);
        }

        private record Chunk(long offset, byte[] bytes) { }

        /** The observer of one gRPC stream; results of a retired stream still count, errors do not. */
        private final class Generation implements ResponseObserver<StreamingRecognizeResponse> {
            volatile boolean retired;

            @Override
            public void onStart(StreamController controller) {
            }

            @Override
            public void onResponse(StreamingRecognizeResponse response) {
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
            public void onError(Throwable t) {
                if (!retired) {
                    streamFailed(this, t);
                }
            }

            @Override
            public void onComplete() {
            }
        }
    }
}
