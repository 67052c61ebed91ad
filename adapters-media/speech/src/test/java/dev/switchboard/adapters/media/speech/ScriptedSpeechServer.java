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
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake {@code StreamingRecognize} that "recognizes" numbered frames: each 160-byte frame carries
 * its index in its first four bytes, and every {@code framesPerFinal} frames the fake settles a
 * final result whose transcript lists them ({@code "f12 f13 ..."}), with {@code result_end_time}
 * counted from the start of that stream's audio, as Google does. Like Google it enforces a stream
 * duration limit, here {@code streamLimitMs}: the next request after it fails the stream with
 * {@code OUT_OF_RANGE}, and the frames it had not settled are gone. It checks that the first
 * request is the config, with MULAW at 8000 Hz.
 */
final class ScriptedSpeechServer implements AutoCloseable {
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger limitErrors = new AtomicInteger();
    /** Audio frames received over all streams, replays included. */
    final AtomicInteger framesReceived = new AtomicInteger();
    private final Server server;
    private final long streamLimitMs;
    private final int framesPerFinal;

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

    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    static byte[] frame(int index) {
        byte[] f = new byte[160];
        java.util.Arrays.fill(f, (byte) 0xFF);
        ByteBuffer.wrap(f).putInt(index);
        return f;
    }

    private StreamObserver<StreamingRecognizeRequest> stream(StreamObserver<StreamingRecognizeResponse> out) {
        streams.incrementAndGet();
        long opened = System.nanoTime();
        return new StreamObserver<>() {
            boolean first = true;
            boolean done;
            long bytes;
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
                if ((System.nanoTime() - opened) / 1_000_000 > streamLimitMs) {
                    limitErrors.incrementAndGet();
                    fail(Status.OUT_OF_RANGE.withDescription("Exceeded maximum allowed stream duration of "
                            + streamLimitMs + " ms."));
                    return;
                }
                ByteBuffer audio = r.getAudioContent().asReadOnlyByteBuffer();
                while (audio.remaining() >= 160) {
                    int index = audio.getInt();
                    audio.position(audio.position() + 156);
                    bytes += 160;
                    framesReceived.incrementAndGet();
                    pending.add(index);
                    if (pending.size() == framesPerFinal) {
                        settle();
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
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
