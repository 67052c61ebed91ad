package dev.switchboard.roles.calls;

import com.google.cloud.speech.v1.StreamingRecognitionResult;
import com.google.cloud.speech.v1.SpeechRecognitionAlternative;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Google {@code StreamingRecognize} on a loopback port (plaintext gRPC, the descriptor
 * {@code GrpcSpeechStub} uses): after {@code afterBytes} of audio on a stream it sends an interim
 * and then a final result with a scripted transcript, once per stream.
 */
final class FakeSpeechService implements AutoCloseable {
    private static final String SERVICE = "google.cloud.speech.v1.Speech";
    final AtomicInteger streams = new AtomicInteger();
    private final Server server;
    private final String transcript;
    private final long afterBytes;

    FakeSpeechService(String transcript, long afterBytes) throws IOException {
        this.transcript = transcript;
        this.afterBytes = afterBytes;
        MethodDescriptor<StreamingRecognizeRequest, StreamingRecognizeResponse> method =
                MethodDescriptor.<StreamingRecognizeRequest, StreamingRecognizeResponse>newBuilder()
                        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "StreamingRecognize"))
                        .setRequestMarshaller(ProtoUtils.marshaller(StreamingRecognizeRequest.getDefaultInstance()))
                        .setResponseMarshaller(ProtoUtils.marshaller(StreamingRecognizeResponse.getDefaultInstance()))
                        .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerServiceDefinition.builder(SERVICE)
                        .addMethod(method, ServerCalls.asyncBidiStreamingCall(this::stream)).build())
                .build().start();
    }

    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    private StreamObserver<StreamingRecognizeRequest> stream(StreamObserver<StreamingRecognizeResponse> out) {
        streams.incrementAndGet();
        return new StreamObserver<>() {
            boolean first = true;
            boolean said;
            long bytes;

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
                if (!said && bytes >= afterBytes) {
                    said = true;
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
                out.onCompleted();
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
