package dev.switchboard.roles.all;

import com.google.cloud.speech.v1.SpeechRecognitionAlternative;
import com.google.cloud.speech.v1.StreamingRecognitionResult;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import com.google.protobuf.ByteString;
import dev.switchboard.adapters.media.speech.GoogleSpeechMethods;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench calls}' speech recognizer: a stand-in for Google's {@code StreamingRecognize}
 * (plaintext gRPC on loopback, the {@link GoogleSpeechMethods} {@code GrpcSpeechStub} calls) that
 * answers at once, so the calls role's own share of the latency is what gets measured.
 *
 * <p>Like a real recognizer it endpoints: after some speech (at least {@link #MIN_VOICED_FRAMES}
 * frames of 20 ms above a low level) followed by {@link #ENDPOINT_SILENT_FRAMES} silent ones, it
 * sends one final result with {@link #TRANSCRIPT}. Like Google with {@code interim_results} it
 * also sends an interim result while the caller speaks (one per utterance, once
 * {@link #MIN_VOICED_FRAMES} frames were voiced, with a low stability as Google's early interims
 * have). It checks what Google checks first: the
 * stream's first message is its configuration, μ-law at 8000 Hz.
 *
 * <p>Audio is judged 20 ms at a time, whatever the requests' size (the calls role sends 100 ms).
 * Which simulated caller a stream belongs to is read from the stream's first audio chunk:
 * {@link MediaLoadClient} starts each call with one silent frame whose bytes are μ-law's two
 * zeros ({@code 0xFF} and {@code 0x7F}) spelling a marker and the caller's number. The moment the
 * final result is handed to gRPC is reported with that number ({@link Finals}).
 */
final class BenchSpeechServer implements AutoCloseable {
    static final String TRANSCRIPT = "Hello, how much do the solar panels cost?";
    static final int MIN_VOICED_FRAMES = 10;
    static final int ENDPOINT_SILENT_FRAMES = 15;
    /** 20 ms of 8 kHz μ-law, whatever size the requests' audio comes in. */
    static final int FRAME = 160;
    /** A decoded sample above this (of 32767) is voice; μ-law's quietest steps are below it. */
    private static final int VOICE_LEVEL = 500;
    private static final boolean[] LOUD = new boolean[256];

    static {
        for (int b = 0; b < 256; b++) {
            LOUD[b] = Math.abs(dev.switchboard.adapters.media.twilio.MuLaw.decode((byte) b)) > VOICE_LEVEL;
        }
    }

    /** Where the moments of the final results go. */
    interface Finals {
        /** A final result for caller {@code caller} was handed to gRPC at {@code nanoTime}. */
        void sent(int caller, long nanoTime);
    }

    final AtomicLong streams = new AtomicLong();
    final AtomicLong finals = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong unmarked = new AtomicLong();
    private final Server server;
    private final Finals sink;

    BenchSpeechServer(int port, Finals sink) throws IOException {
        this.sink = sink;
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(ServerServiceDefinition.builder(GoogleSpeechMethods.SERVICE)
                        .addMethod(GoogleSpeechMethods.STREAMING_RECOGNIZE,
                                ServerCalls.asyncBidiStreamingCall(this::stream))
                        .build())
                .build().start();
    }

    /** The endpoint for the calls role's {@code GOOGLE_SPEECH_ENDPOINT}. */
    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The caller number a first frame carries, or -1 when it is not one of {@link MediaLoadClient}'s. */
    static int callerOf(ByteString audio) {
        byte[] marker = MediaLoadClient.MARKER;
        if (audio.size() < marker.length + 32) {
            return -1;
        }
        for (int i = 0; i < marker.length; i++) {
            if (audio.byteAt(i) != marker[i]) {
                return -1;
            }
        }
        int caller = 0;
        for (int bit = 0; bit < 32; bit++) {
            byte b = audio.byteAt(marker.length + bit);
            if (b != MediaLoadClient.ZERO_HIGH && b != MediaLoadClient.ZERO_LOW) {
                return -1;
            }
            caller = caller << 1 | (b == MediaLoadClient.ZERO_LOW ? 1 : 0);
        }
        return caller;
    }

    private StreamObserver<StreamingRecognizeRequest> stream(StreamObserver<StreamingRecognizeResponse> out) {
        streams.incrementAndGet();
        return new StreamObserver<>() {
            boolean configured;
            boolean ended;
            int caller = -2;
            long bytes;
            int voiced;
            int silent;

            @Override
            public synchronized void onNext(StreamingRecognizeRequest r) {
                if (ended) {
                    return;
                }
                if (!configured) {
                    var config = r.getStreamingConfig().getConfig();
                    if (!r.hasStreamingConfig() || config.getSampleRateHertz() != 8000
                            || config.getEncoding() != com.google.cloud.speech.v1.RecognitionConfig.AudioEncoding.MULAW) {
                        refused.incrementAndGet();
                        ended = true;
                        out.onError(Status.INVALID_ARGUMENT.withDescription(
                                "the first request must be the streaming config, MULAW at 8000 Hz").asRuntimeException());
                        return;
                    }
                    configured = true;
                    return;
                }
                ByteString audio = r.getAudioContent();
                if (caller == -2) {
                    caller = callerOf(audio);
                    if (caller < 0) {
                        unmarked.incrementAndGet();
                    }
                }
                // The adapter sends 100 ms chunks (or any size): endpoint frame by frame, 20 ms each.
                for (int from = 0; from < audio.size(); from += FRAME) {
                    frame(audio, from, Math.min(audio.size(), from + FRAME));
                }
            }

            private void frame(ByteString audio, int from, int to) {
                bytes += to - from;
                boolean loud = false;
                for (int i = from; i < to && !loud; i++) {
                    loud = LOUD[audio.byteAt(i) & 0xFF];
                }
                if (loud) {
                    if (++voiced == MIN_VOICED_FRAMES) {
                        out.onNext(interimResult());
                    }
                    silent = 0;
                    return;
                }
                if (voiced >= MIN_VOICED_FRAMES && ++silent == ENDPOINT_SILENT_FRAMES) {
                    voiced = 0;
                    silent = 0;
                    StreamingRecognizeResponse response = finalResult();
                    long now = System.nanoTime();
                    out.onNext(response);
                    finals.incrementAndGet();
                    if (caller >= 0) {
                        sink.sent(caller, now);
                    }
                }
            }

            private StreamingRecognizeResponse interimResult() {
                return StreamingRecognizeResponse.newBuilder().addResults(StreamingRecognitionResult.newBuilder()
                                .setIsFinal(false)
                                .setStability(0.01f)
                                .addAlternatives(SpeechRecognitionAlternative.newBuilder()
                                        .setTranscript(TRANSCRIPT.substring(0, TRANSCRIPT.indexOf(',')))))
                        .build();
            }

            private StreamingRecognizeResponse finalResult() {
                long ms = bytes / 8;
                return StreamingRecognizeResponse.newBuilder().addResults(StreamingRecognitionResult.newBuilder()
                                .setIsFinal(true)
                                .setResultEndTime(com.google.protobuf.Duration.newBuilder().setSeconds(ms / 1000)
                                        .setNanos((int) (ms % 1000) * 1_000_000))
                                .addAlternatives(SpeechRecognitionAlternative.newBuilder().setTranscript(TRANSCRIPT)
                                        .setConfidence(0.92f)))
                        .build();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public synchronized void onCompleted() {
                if (!ended) {
                    ended = true;
                    out.onCompleted();
                }
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
