package dev.switchboard.adapters.media.speech;

import com.google.cloud.speech.v1.RecognizeRequest;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.SpeechRecognitionAlternative;
import com.google.cloud.speech.v1.SpeechRecognitionResult;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake {@code google.cloud.speech.v1.Speech} service over plaintext gRPC on a free loopback port.
 *
 * <p>Built as a generic service definition over {@link GoogleSpeechMethods}, the methods
 * {@code GrpcSpeechStub} calls, so these tests also prove those descriptors match the client's.
 * It records what it receives and answers with {@link #TRANSCRIPT}; like Google it refuses a
 * streaming request with more than 25,600 bytes of audio ({@code INVALID_ARGUMENT}).
 */
final class FakeSpeechServer implements AutoCloseable {

    static final String TRANSCRIPT = "olá, tudo bem";
    static final float CONFIDENCE = 0.93f;

    final List<RecognizeRequest> recognizeRequests = new CopyOnWriteArrayList<>();
    final List<StreamingRecognizeRequest> streamingRequests = new CopyOnWriteArrayList<>();

    private final Server server;

    private FakeSpeechServer() {
        this.server = NettyServerBuilder
                .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)) // 0: the OS picks a free port
                .addService(service())
                .build();
    }

    static FakeSpeechServer start() throws IOException {
        FakeSpeechServer fake = new FakeSpeechServer();
        fake.server.start();
        return fake;
    }

    int port() {
        return server.getPort();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(GoogleSpeechMethods.SERVICE)
                .addMethod(GoogleSpeechMethods.RECOGNIZE, ServerCalls.asyncUnaryCall(this::recognize))
                .addMethod(GoogleSpeechMethods.STREAMING_RECOGNIZE,
                        ServerCalls.asyncBidiStreamingCall(this::streamingRecognize))
                .build();
    }

    private void recognize(RecognizeRequest request, StreamObserver<RecognizeResponse> out) {
        recognizeRequests.add(request);
        out.onNext(RecognizeResponse.newBuilder()
                .addResults(SpeechRecognitionResult.newBuilder()
                        .addAlternatives(alternative()))
                .build());
        out.onCompleted();
    }

    private StreamObserver<StreamingRecognizeRequest> streamingRecognize(StreamObserver<StreamingRecognizeResponse> out) {
        return new StreamObserver<>() {
            private boolean first = true;
            private boolean refused;

            @Override
            public void onNext(StreamingRecognizeRequest request) {
                streamingRequests.add(request);
                if (refused) {
                    return;
                }
                if (first) {
                    first = false;
                    if (!request.hasStreamingConfig()) {
                        out.onError(Status.INVALID_ARGUMENT
                                .withDescription("first message must be streaming_config").asRuntimeException());
                    }
                } else if (request.getAudioContent().size() > ScriptedSpeechServer.MAX_REQUEST_BYTES) {
                    refused = true;
                    out.onError(Status.INVALID_ARGUMENT.withDescription("Request audio can be a maximum of "
                            + ScriptedSpeechServer.MAX_REQUEST_BYTES + " bytes.").asRuntimeException());
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() { // the client half-closed: settle the transcript
                if (refused) {
                    return;
                }
                out.onNext(StreamingRecognizeResponse.newBuilder()
                        .addResults(StreamingRecognitionResult.newBuilder()
                                .setIsFinal(true)
                                .addAlternatives(alternative()))
                        .build());
                out.onCompleted();
            }
        };
    }

    private static SpeechRecognitionAlternative alternative() {
        return SpeechRecognitionAlternative.newBuilder().setTranscript(TRANSCRIPT).setConfidence(CONFIDENCE).build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fake Speech server did not stop within 5 s");
        }
    }
}
