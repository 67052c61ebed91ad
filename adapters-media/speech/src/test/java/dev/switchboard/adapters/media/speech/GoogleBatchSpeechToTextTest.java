package dev.switchboard.adapters.media.speech;

import com.google.cloud.speech.v1.RecognizeRequest;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.SpeechClient;
import dev.switchboard.ports.out.BatchSpeechToText.SpeechRecognitionException;
import dev.switchboard.ports.out.RecordingAudio;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GoogleBatchSpeechToText} against a {@code Recognize} that takes the request and never
 * answers (a stalled backend; the first request, a warm-up, is answered): the call ends at its own deadline, or at once when the caller is
 * interrupted, and either way the gRPC call is cancelled, so nothing goes on transcribing. The
 * class timeout only bounds a regression (the library's own default waits over an hour).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoogleBatchSpeechToTextTest {

    private final CountDownLatch received = new CountDownLatch(1);
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private Server server;
    private SpeechClient client;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerServiceDefinition.builder(GoogleSpeechMethods.SERVICE)
                        .addMethod(GoogleSpeechMethods.RECOGNIZE, ServerCalls.asyncUnaryCall(this::neverAnswer))
                        .build())
                .build().start();
        client = GoogleSpeechClients.create("127.0.0.1:" + server.getPort());
        assertEquals("", new GoogleBatchSpeechToText(client, "pt-BR").transcribe(oneSecond()), "the warm-up");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Answers the first request (a warm-up: the connection is up), then takes each one and never answers. */
    private void neverAnswer(RecognizeRequest request, StreamObserver<RecognizeResponse> out) {
        if (calls.incrementAndGet() == 1) {
            out.onNext(RecognizeResponse.getDefaultInstance());
            out.onCompleted();
            return;
        }
        ((ServerCallStreamObserver<RecognizeResponse>) out).setOnCancelHandler(cancelled::countDown);
        received.countDown();
    }

    private static RecordingAudio oneSecond() {
        return new RecordingAudio(RecordingAudio.Encoding.LINEAR16, 8000, 1, new byte[16000]);
    }

    @Test
    void aRecognizeThatNeverAnswersFailsRetryablyAtItsDeadlineAndIsCancelled() throws Exception {
        GoogleBatchSpeechToText speech = new GoogleBatchSpeechToText(client, "pt-BR", Duration.ofSeconds(2));

        SpeechRecognitionException e = assertThrows(SpeechRecognitionException.class, () -> speech.transcribe(oneSecond()));

        assertTrue(e.retryable(), e.getMessage());
        assertTrue(received.await(30, TimeUnit.SECONDS), "the request reached the server");
        assertTrue(cancelled.await(30, TimeUnit.SECONDS), "the server saw the call cancelled");
    }

    @Test
    void anInterruptEndsTheWaitKeepsTheInterruptAndCancelsTheCall() throws Exception {
        GoogleBatchSpeechToText speech = new GoogleBatchSpeechToText(client, "pt-BR", Duration.ofMinutes(10));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread job = Thread.ofPlatform().name("recording-job").start(() -> {
            try {
                speech.transcribe(oneSecond());
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(received.await(30, TimeUnit.SECONDS), "the request reached the server");

        job.interrupt();
        job.join(Duration.ofSeconds(30));

        assertFalse(job.isAlive(), "the interrupted transcription returned");
        SpeechRecognitionException e = assertInstanceOf(SpeechRecognitionException.class, thrown.get());
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(stillInterrupted.get(), "the caller's interrupt status is kept");
        assertTrue(cancelled.await(30, TimeUnit.SECONDS), "the server saw the call cancelled");
    }
}
