package dev.switchboard.testsupport;

import com.google.cloud.speech.v1.RecognitionConfig;
import com.google.cloud.speech.v1.RecognizeRequest;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.SpeechRecognitionAlternative;
import com.google.cloud.speech.v1.SpeechRecognitionResult;
import com.google.cloud.speech.v1.StreamingRecognitionResult;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake Google Speech-to-Text v1 service on a loopback port (plaintext gRPC, the
 * {@link GoogleSpeechMethods} that {@code GrpcSpeechStub} calls).
 *
 * <ul>
 *   <li>{@code StreamingRecognize}: after {@code afterBytes} of audio on a stream it sends an
 *       interim and then a final result with the scripted transcript, once per stream.</li>
 *   <li>{@code Recognize} (batch): checks what Google checks, then answers with the transcript
 *       the {@linkplain #scriptRecognize script} makes of the request's audio. Refused with
 *       {@code INVALID_ARGUMENT}, as Google does: no config or language, an encoding or sample
 *       rate other than the {@linkplain #expectRecognizeConfig expected} ones, more than one
 *       channel of μ-law, and audio over one minute ("Sync input too long").</li>
 * </ul>
 *
 * <p>Needs the speech adapter and its bundle ({@code com.google.cloud.speech}) on the class path:
 * test-support declares them optional, so only modules that have them (roles/calls, roles/worker)
 * can use this class.
 */
public final class FakeSpeechService implements AutoCloseable {
    /** Google's limit for synchronous recognition. */
    public static final int MAX_SYNC_SECONDS = 60;

    public final AtomicInteger streams = new AtomicInteger();
    /** Every {@code Recognize} request that passed the checks, in arrival order. */
    public final List<RecognizeRequest> recognizeRequests = new CopyOnWriteArrayList<>();
    /** Every refused {@code Recognize}, with its reason. */
    public final List<String> refusedRecognize = new CopyOnWriteArrayList<>();
    private final Server server;
    private final String transcript;
    private final long afterBytes;
    private volatile Function<byte[], String> recognizer = audio -> "";
    private volatile String lastWords;
    private volatile long lastWordsDelayMillis;
    private volatile RecognitionConfig.AudioEncoding expectedEncoding = RecognitionConfig.AudioEncoding.LINEAR16;
    private volatile int expectedSampleRate = 8000;

    public FakeSpeechService(String transcript, long afterBytes) throws IOException {
        this.transcript = transcript;
        this.afterBytes = afterBytes;
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerServiceDefinition.builder(GoogleSpeechMethods.SERVICE)
                        .addMethod(GoogleSpeechMethods.STREAMING_RECOGNIZE,
                                ServerCalls.asyncBidiStreamingCall(this::stream))
                        .addMethod(GoogleSpeechMethods.RECOGNIZE, ServerCalls.asyncUnaryCall(this::recognize))
                        .build())
                .build().start();
    }

    /** A fake for batch recognition only, answering with what {@code recognizer} makes of each request's audio. */
    public static FakeSpeechService forRecognize(Function<byte[], String> recognizer) throws IOException {
        FakeSpeechService fake = new FakeSpeechService("", Long.MAX_VALUE);
        fake.scriptRecognize(recognizer);
        return fake;
    }

    /**
     * Like Google after the client half-closes: a stream that got audio since its last final result
     * gets one more final, {@code text}, {@code delayMillis} after the half-close, then completes.
     */
    public FakeSpeechService lastWordsAtHalfClose(String text, long delayMillis) {
        this.lastWords = text;
        this.lastWordsDelayMillis = delayMillis;
        return this;
    }

    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** What {@code Recognize} answers: the transcript of a request's audio bytes (blank: no result). */
    public FakeSpeechService scriptRecognize(Function<byte[], String> recognizer) {
        this.recognizer = recognizer;
        return this;
    }

    /** The encoding and sample rate {@code Recognize} accepts (default LINEAR16, 8000 Hz: Twilio's WAV). */
    public FakeSpeechService expectRecognizeConfig(RecognitionConfig.AudioEncoding encoding, int sampleRateHertz) {
        this.expectedEncoding = encoding;
        this.expectedSampleRate = sampleRateHertz;
        return this;
    }

    private void recognize(RecognizeRequest request, StreamObserver<RecognizeResponse> out) {
        String refusal = refusal(request);
        if (refusal != null) {
            refusedRecognize.add(refusal);
            out.onError(Status.INVALID_ARGUMENT.withDescription(refusal).asRuntimeException());
            return;
        }
        recognizeRequests.add(request);
        String text = recognizer.apply(request.getAudio().getContent().toByteArray());
        RecognizeResponse.Builder response = RecognizeResponse.newBuilder();
        if (text != null && !text.isBlank()) {
            response.addResults(SpeechRecognitionResult.newBuilder().addAlternatives(
                    SpeechRecognitionAlternative.newBuilder().setTranscript(text).setConfidence(0.9f)));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    private String refusal(RecognizeRequest request) {
        if (!request.hasConfig()) {
            return "RecognitionConfig is required";
        }
        RecognitionConfig config = request.getConfig();
        if (config.getLanguageCode().isBlank()) {
            return "language_code is required";
        }
        if (config.getEncoding() != expectedEncoding) {
            return "encoding " + config.getEncoding() + " does not match the audio (" + expectedEncoding + ")";
        }
        if (config.getSampleRateHertz() != expectedSampleRate) {
            return "sample_rate_hertz (" + config.getSampleRateHertz() + ") does not match the audio ("
                    + expectedSampleRate + ")";
        }
        int channels = Math.max(1, config.getAudioChannelCount());
        if (config.getEncoding() == RecognitionConfig.AudioEncoding.MULAW && channels != 1) {
            return "MULAW takes one channel";
        }
        if (request.getAudio().getAudioSourceCase() != com.google.cloud.speech.v1.RecognitionAudio.AudioSourceCase.CONTENT) {
            return "audio content is required";
        }
        int bytesPerSample = config.getEncoding() == RecognitionConfig.AudioEncoding.LINEAR16 ? 2 : 1;
        long bytesPerSecond = (long) bytesPerSample * channels * config.getSampleRateHertz();
        if (request.getAudio().getContent().size() > MAX_SYNC_SECONDS * bytesPerSecond) {
            return "Sync input too long. For audio longer than 1 min use LongRunningRecognize with a 'uri' parameter.";
        }
        return null;
    }

    private StreamObserver<StreamingRecognizeRequest> stream(StreamObserver<StreamingRecognizeResponse> out) {
        streams.incrementAndGet();
        return new StreamObserver<>() {
            boolean first = true;
            boolean said;
            long bytes;
            long unsettled;

            @Override
            public synchronized void onNext(StreamingRecognizeRequest r) {
                if (first) {
                    first = false;
                    if (!r.hasStreamingConfig()) {
                        out.onError(Status.INVALID_ARGUMENT.withDescription("config first").asRuntimeException());
                    }
                    return;
                }
                bytes += r.getAudioContent().size();
                unsettled += r.getAudioContent().size();
                if (!said && bytes >= afterBytes) {
                    said = true;
                    unsettled = 0;
                    out.onNext(result(transcript.substring(0, transcript.length() / 2), false));
                    out.onNext(result(transcript, true));
                }
            }

            private StreamingRecognizeResponse result(String text, boolean isFinal) {
                long ms = bytes / 8;
                return StreamingRecognizeResponse.newBuilder().addResults(StreamingRecognitionResult.newBuilder()
                        .setIsFinal(isFinal).setStability(isFinal ? 0 : 0.9f)
                        .setResultEndTime(com.google.protobuf.Duration.newBuilder().setSeconds(ms / 1000)
                                .setNanos((int) (ms % 1000) * 1_000_000))
                        .addAlternatives(SpeechRecognitionAlternative.newBuilder().setTranscript(text)))
                        .build();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public synchronized void onCompleted() {
                String last = lastWords;
                if (last == null || unsettled == 0) {
                    out.onCompleted();
                    return;
                }
                unsettled = 0;
                java.util.concurrent.CompletableFuture.delayedExecutor(lastWordsDelayMillis, TimeUnit.MILLISECONDS)
                        .execute(() -> {
                            synchronized (this) {
                                out.onNext(result(last, true));
                                out.onCompleted();
                            }
                        });
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
