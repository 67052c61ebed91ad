package dev.switchboard.adapters.media.speech;

import com.google.cloud.speech.v1.RecognitionConfig;
import com.google.cloud.speech.v1.SpeechRecognitionAlternative;
import com.google.cloud.speech.v1.StreamingRecognitionResult;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake {@code StreamingRecognize} that "recognizes" numbered frames: each 160-byte frame carries
 * its index in its first four bytes, and every {@code framesPerFinal} frames the fake settles a
 * final result whose transcript lists them ({@code "f12 f13 ..."}), with {@code result_end_time}
 * counted from the start of that stream's audio, as Google does. Like Google it treats a stream's
 * audio as one byte sequence (frames may span requests), refuses a request over 25,600 bytes of
 * audio with {@code INVALID_ARGUMENT}, and enforces a stream duration limit, here
 * {@code streamLimitMs}: the next request after it fails the stream ({@code OUT_OF_RANGE} unless
 * {@link #limitStatus} says otherwise), and the frames it had not settled are gone. It checks that
 * the first request is the config, with MULAW at 8000 Hz.
 *
 * <p>Scripted misbehaviours, set before the client connects: an interim result at the first audio
 * of every stream ({@link #interimOnEveryStream}), completing the first stream unprompted
 * ({@link #completeFirstStreamAfterFrames}), and answering a half-close late or never
 * ({@link #afterHalfClose}).
 */
final class ScriptedSpeechServer implements AutoCloseable {
    static final int MAX_REQUEST_BYTES = 25_600;
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger limitErrors = new AtomicInteger();
    /** Audio frames received over all streams, replays included. */
    final AtomicInteger framesReceived = new AtomicInteger();
    /** Requests that carried audio, over all streams. */
    final AtomicInteger audioRequests = new AtomicInteger();
    /** The largest audio request received, refused ones included. */
    final AtomicInteger largestAudioRequest = new AtomicInteger();
    /** Streams the client cancelled. */
    final AtomicInteger cancelled = new AtomicInteger();
    private final Server server;
    private final long streamLimitMs;
    private final int framesPerFinal;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("scripted-speech-later").daemon(true).factory());
    private volatile Status.Code limitStatus = Status.Code.OUT_OF_RANGE;
    private volatile boolean interimOnEveryStream;
    private volatile int completeFirstStreamAfterFrames = -1;
    /** After a half-close: settle after this many ms; negative: never answer. */
    private volatile long afterHalfCloseMs;

    ScriptedSpeechServer(long streamLimitMs, int framesPerFinal) throws IOException {
        this.streamLimitMs = streamLimitMs;
        this.framesPerFinal = framesPerFinal;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerServiceDefinition.builder(GoogleSpeechMethods.SERVICE)
                        .addMethod(GoogleSpeechMethods.STREAMING_RECOGNIZE,
                                ServerCalls.asyncBidiStreamingCall(this::stream))
                        .build())
                .build().start();
    }

    /** The status a stream fails with at its limit. */
    ScriptedSpeechServer limitStatus(Status.Code code) {
        this.limitStatus = code;
        return this;
    }

    ScriptedSpeechServer interimOnEveryStream() {
        this.interimOnEveryStream = true;
        return this;
    }

    /** The first stream is completed by the service at its n-th frame, its unsettled frames dropped. */
    ScriptedSpeechServer completeFirstStreamAfterFrames(int n) {
        this.completeFirstStreamAfterFrames = n;
        return this;
    }

    /** After a half-close, settle after {@code ms}; negative: never settle nor complete. */
    ScriptedSpeechServer afterHalfClose(long ms) {
        this.afterHalfCloseMs = ms;
        return this;
    }

    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    static byte[] frame(int index) {
        byte[] f = new byte[160];
        java.util.Arrays.fill(f, (byte) 0xFF);
        ByteBuffer.wrap(f).putInt(index);
        return f;
    }

    /** Frames {@code from} to {@code to - 1}, back to back in one payload. */
    static byte[] frames(int from, int to) {
        ByteBuffer all = ByteBuffer.allocate((to - from) * 160);
        for (int i = from; i < to; i++) {
            all.put(frame(i));
        }
        return all.array();
    }

    private StreamObserver<StreamingRecognizeRequest> stream(StreamObserver<StreamingRecognizeResponse> out) {
        int number = streams.incrementAndGet();
        long opened = System.nanoTime();
        // The request observer hears of a cancel only before the client half-closed; this always does.
        ((ServerCallStreamObserver<StreamingRecognizeResponse>) out).setOnCancelHandler(cancelled::incrementAndGet);
        return new StreamObserver<>() {
            boolean first = true;
            boolean done;
            boolean heardAudio;
            long bytes;
            int frames;
            final byte[] carry = new byte[160];
            int carried;
            final List<Integer> pending = new ArrayList<>();

            @Override
            public synchronized void onNext(StreamingRecognizeRequest r) {
                if (done) {
                    return;
                }
                if (first) {
                    first = false;
                    RecognitionConfig c = r.getStreamingConfig().getConfig();
                    if (!r.hasStreamingConfig() || c.getEncoding() != RecognitionConfig.AudioEncoding.MULAW
                            || c.getSampleRateHertz() != 8000) {
                        fail(Status.INVALID_ARGUMENT.withDescription("first message must be a MULAW/8000 streaming_config"));
                    }
                    return;
                }
                int size = r.getAudioContent().size();
                audioRequests.incrementAndGet();
                largestAudioRequest.accumulateAndGet(size, Math::max);
                if (size > MAX_REQUEST_BYTES) {
                    fail(Status.INVALID_ARGUMENT.withDescription("Request audio can be a maximum of "
                            + MAX_REQUEST_BYTES + " bytes, got " + size + "."));
                    return;
                }
                if ((System.nanoTime() - opened) / 1_000_000 > streamLimitMs) {
                    limitErrors.incrementAndGet();
                    fail(Status.fromCode(limitStatus).withDescription("Exceeded maximum allowed stream duration of "
                            + streamLimitMs + " ms."));
                    return;
                }
                if (interimOnEveryStream && !heardAudio) {
                    out.onNext(StreamingRecognizeResponse.newBuilder().addResults(StreamingRecognitionResult.newBuilder()
                            .setIsFinal(false).setStability(0.5f)
                            .addAlternatives(SpeechRecognitionAlternative.newBuilder().setTranscript("interim")))
                            .build());
                }
                heardAudio = true;
                ByteBuffer audio = r.getAudioContent().asReadOnlyByteBuffer();
                while (audio.hasRemaining()) {
                    int n = Math.min(160 - carried, audio.remaining());
                    audio.get(carry, carried, n);
                    carried += n;
                    if (carried < 160) {
                        break;
                    }
                    carried = 0;
                    int index = ByteBuffer.wrap(carry).getInt();
                    bytes += 160;
                    frames++;
                    framesReceived.incrementAndGet();
                    pending.add(index);
                    if (pending.size() == framesPerFinal) {
                        settle();
                    }
                    if (number == 1 && frames == completeFirstStreamAfterFrames) {
                        done = true;          // what it had not settled is gone
                        out.onCompleted();
                        return;
                    }
                }
            }

            private void settle() {
                if (pending.isEmpty()) {
                    return;
                }
                StringBuilder t = new StringBuilder();
                pending.forEach(i -> t.append(" f").append(i));
                pending.clear();
                long ms = bytes / 8;
                out.onNext(StreamingRecognizeResponse.newBuilder().addResults(StreamingRecognitionResult.newBuilder()
                        .setIsFinal(true)
                        .setResultEndTime(com.google.protobuf.Duration.newBuilder().setSeconds(ms / 1000)
                                .setNanos((int) (ms % 1000) * 1_000_000))
                        .addAlternatives(SpeechRecognitionAlternative.newBuilder().setTranscript(t.toString())))
                        .build());
            }

            private void fail(Status status) {
                done = true;
                out.onError(status.asRuntimeException());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public synchronized void onCompleted() {
                if (done) {
                    return;
                }
                long delay = afterHalfCloseMs;
                if (delay < 0) {
                    return;                   // a service that never answers the half-close
                }
                if (delay == 0) {
                    settleAndComplete();
                } else {
                    later.schedule(this::settleAndComplete, delay, TimeUnit.MILLISECONDS);
                }
            }

            private synchronized void settleAndComplete() {
                if (!done) {
                    settle();
                    done = true;
                    out.onCompleted();
                }
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        later.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
