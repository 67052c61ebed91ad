package dev.switchboard.adapters.media.speech;

import com.google.cloud.speech.v1.RecognizeRequest;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The wire methods of Google's {@code google.cloud.speech.v1.Speech} service that Switchboard
 * calls, described as {@code GrpcSpeechStub} describes them (its own descriptors are private): a
 * server registered with these under {@link #SERVICE} answers a {@code SpeechClient}.
 *
 * <p>For the stand-ins that serve them (the fakes in tests, the bench's recognizer):
 * grpc-google-cloud-speech-v1's {@code SpeechImplBase} cannot be used, because its package
 * {@code com.google.cloud.speech.v1} would be split with the speech bundle, so they build a
 * {@code ServerServiceDefinition} from these.
 */
public final class GoogleSpeechMethods {

    /** The gRPC service name. */
    public static final String SERVICE = "google.cloud.speech.v1.Speech";

    /** Synchronous (batch) recognition: one request with up to a minute of audio, one response. */
    public static final MethodDescriptor<RecognizeRequest, RecognizeResponse> RECOGNIZE =
            MethodDescriptor.<RecognizeRequest, RecognizeResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Recognize"))
                    .setRequestMarshaller(ProtoUtils.marshaller(RecognizeRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(RecognizeResponse.getDefaultInstance()))
                    .build();

    /** Streaming recognition: the config, then audio, in; interim and final results out. */
    public static final MethodDescriptor<StreamingRecognizeRequest, StreamingRecognizeResponse> STREAMING_RECOGNIZE =
            MethodDescriptor.<StreamingRecognizeRequest, StreamingRecognizeResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "StreamingRecognize"))
                    .setRequestMarshaller(ProtoUtils.marshaller(StreamingRecognizeRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(StreamingRecognizeResponse.getDefaultInstance()))
                    .build();

    private GoogleSpeechMethods() {
    }
}
