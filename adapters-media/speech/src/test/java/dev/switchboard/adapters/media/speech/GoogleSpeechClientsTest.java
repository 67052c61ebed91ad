package dev.switchboard.adapters.media.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.BidiStream;
import com.google.cloud.speech.v1.RecognitionAudio;
import com.google.cloud.speech.v1.RecognitionConfig;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.SpeechClient;
import com.google.cloud.speech.v1.SpeechSettings;
import com.google.cloud.speech.v1.StreamingRecognitionConfig;
import com.google.cloud.speech.v1.StreamingRecognizeRequest;
import com.google.cloud.speech.v1.StreamingRecognizeResponse;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// SEPARATE_THREAD: gax's blocking calls ignore interrupts, and a client that cannot reach the fake
// retries UNAVAILABLE for minutes; the test must fail instead of hanging the build.
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoogleSpeechClientsTest {

    /** 20 ms of μ-law silence, what one Twilio media frame carries. */
    private static final byte[] FRAME = filled(160, (byte) 0xFF);

    private static final RecognitionConfig MULAW_8K = RecognitionConfig.newBuilder()
            .setEncoding(RecognitionConfig.AudioEncoding.MULAW)
            .setSampleRateHertz(8000)
            .setLanguageCode("pt-BR")
            .build();

    private FakeSpeechServer fake;
    private SpeechClient client;

    @BeforeEach
    void startFakeAndClient() throws Exception {
        fake = FakeSpeechServer.start();
        client = GoogleSpeechClients.create("127.0.0.1:" + fake.port());
    }

    @AfterEach
    void stopClientAndFake() throws Exception {
        try {
            if (client != null) {
                client.close();
                if (!client.awaitTermination(10, TimeUnit.SECONDS)) {
                    client.shutdownNow();
                    throw new AssertionError("SpeechClient did not terminate within 10 s of close()");
                }
            }
        } finally {
            if (fake != null) {
                fake.close();
            }
        }
    }

    @Test
    void recognizeOverPlaintextToALocalEndpointReturnsTheServersTranscript() {
        RecognizeResponse response = client.recognize(MULAW_8K,
                RecognitionAudio.newBuilder().setContent(ByteString.copyFrom(FRAME)).build());

        assertEquals(FakeSpeechServer.TRANSCRIPT, response.getResults(0).getAlternatives(0).getTranscript());
        assertEquals(FakeSpeechServer.CONFIDENCE, response.getResults(0).getAlternatives(0).getConfidence());
        assertEquals(1, fake.recognizeRequests.size());
        RecognitionConfig received = fake.recognizeRequests.get(0).getConfig();
        assertEquals(RecognitionConfig.AudioEncoding.MULAW, received.getEncoding());
        assertEquals(8000, received.getSampleRateHertz());
        assertEquals(ByteString.copyFrom(FRAME), fake.recognizeRequests.get(0).getAudio().getContent());
    }

    @Test
    void streamingRecognizeSendsConfigFirstThenAudioAndReceivesTheFinalTranscript() {
        BidiStream<StreamingRecognizeRequest, StreamingRecognizeResponse> stream =
                client.streamingRecognizeCallable().call();
        stream.send(StreamingRecognizeRequest.newBuilder()
                .setStreamingConfig(StreamingRecognitionConfig.newBuilder().setConfig(MULAW_8K).setInterimResults(true))
                .build());
        for (int i = 0; i < 5; i++) {
            stream.send(StreamingRecognizeRequest.newBuilder().setAudioContent(ByteString.copyFrom(FRAME)).build());
        }
        stream.closeSend();

        List<StreamingRecognizeResponse> responses = new ArrayList<>();
        stream.forEach(responses::add);

        assertEquals(1, responses.size(), responses::toString);
        assertTrue(responses.get(0).getResults(0).getIsFinal());
        assertEquals(FakeSpeechServer.TRANSCRIPT, responses.get(0).getResults(0).getAlternatives(0).getTranscript());
        assertEquals(6, fake.streamingRequests.size());
        assertEquals(8000, fake.streamingRequests.get(0).getStreamingConfig().getConfig().getSampleRateHertz());
        assertEquals(5 * FRAME.length, fake.streamingRequests.stream()
                .mapToInt(r -> r.getAudioContent().size()).sum());
    }

    @Test
    void localEndpointsUseNoCredentials() throws Exception {
        SpeechSettings settings = GoogleSpeechClients.settings("localhost:50051");

        assertInstanceOf(NoCredentialsProvider.class, settings.getCredentialsProvider());
        assertEquals("localhost:50051", settings.getEndpoint());
    }

    @Test
    void remoteEndpointsUseApplicationDefaultCredentials() throws Exception {
        // Building settings resolves no credentials yet, so this needs neither network nor ADC.
        SpeechSettings settings = GoogleSpeechClients.settings(GoogleSpeechClients.GOOGLE_ENDPOINT);

        assertInstanceOf(GoogleCredentialsProvider.class, settings.getCredentialsProvider());
        assertEquals("speech.googleapis.com:443", settings.getEndpoint());
    }

    @Test
    void onlyLoopbackLiteralsAndLocalhostCountAsLocal() {
        assertTrue(GoogleSpeechClients.isLocal("127.0.0.1:50051"));
        assertTrue(GoogleSpeechClients.isLocal("127.1.2.3:1"));
        assertTrue(GoogleSpeechClients.isLocal("LOCALHOST:8080"));
        assertTrue(GoogleSpeechClients.isLocal("[::1]:50051"));
        assertFalse(GoogleSpeechClients.isLocal("speech.googleapis.com:443"));
        assertFalse(GoogleSpeechClients.isLocal("10.0.0.5:50051"));
        assertFalse(GoogleSpeechClients.isLocal("localhost.example.com:443"));
        assertFalse(GoogleSpeechClients.isLocal("128.0.0.1:443"));
    }

    @Test
    void rejectsAnEndpointWithoutAPort() {
        assertThrows(IllegalArgumentException.class, () -> GoogleSpeechClients.isLocal("localhost"));
        assertThrows(IllegalArgumentException.class, () -> GoogleSpeechClients.isLocal("localhost:"));
        assertThrows(IllegalArgumentException.class, () -> GoogleSpeechClients.isLocal(":443"));
        assertThrows(IllegalArgumentException.class, () -> GoogleSpeechClients.isLocal("::1:443"));
        assertThrows(IllegalArgumentException.class, () -> GoogleSpeechClients.isLocal("host:99999"));
    }

    @Test
    void speechClassesComeFromTheBundleModule() {
        assertEquals("switchboard.adapters.media.speech", GoogleSpeechClients.class.getModule().getName());
        Module bundle = SpeechClient.class.getModule();
        assertEquals("com.google.cloud.speech", bundle.getName());
        assertTrue(bundle.getDescriptor().isAutomatic());
        // The proto classes of the split package and gRPC/protobuf come from the same jar.
        assertEquals(bundle, RecognitionConfig.class.getModule());
        assertEquals(bundle, ByteString.class.getModule());
        assertEquals(bundle, io.grpc.ManagedChannelBuilder.class.getModule());
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
