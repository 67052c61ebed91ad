package dev.switchboard.adapters.media.speech;

import com.google.api.core.ApiFuture;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.speech.v1.RecognitionAudio;
import com.google.cloud.speech.v1.RecognitionConfig;
import com.google.cloud.speech.v1.RecognizeRequest;
import com.google.cloud.speech.v1.RecognizeResponse;
import com.google.cloud.speech.v1.SpeechClient;
import com.google.cloud.speech.v1.SpeechRecognitionResult;
import com.google.protobuf.ByteString;
import dev.switchboard.ports.out.BatchSpeechToText;
import dev.switchboard.ports.out.RecordingAudio;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Batch speech-to-text through Google's synchronous {@code Recognize} (v1): one request per piece
 * of at most {@link BatchSpeechToText#MAX_PIECE} (the service refuses more than a minute), the
 * piece's own encoding and sample rate in the config ({@code LINEAR16} for Twilio's WAV,
 * {@code MULAW} for μ-law), the {@code phone_call} model's language from {@code CALL_LANGUAGE}.
 * The transcript is the top alternative of each result, in order.
 *
 * <p>Each call has its own deadline (the library's default is over an hour, retries included), and
 * the caller's interrupt ends the wait and cancels the call: the library's blocking
 * {@code recognize} waits uninterruptibly, so a job the worker interrupted (its timeout, a cancel)
 * would otherwise go on transcribing beside its retry. Both are retryable failures.
 */
public final class GoogleBatchSpeechToText implements BatchSpeechToText {
    private static final Set<StatusCode.Code> RETRYABLE = Set.of(StatusCode.Code.UNAVAILABLE,
            StatusCode.Code.INTERNAL, StatusCode.Code.ABORTED, StatusCode.Code.DEADLINE_EXCEEDED,
            StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.UNKNOWN);

    /** How long one {@code Recognize} of a piece may take, retries included, unless configured. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);

    private final SpeechClient client;
    private final String languageCode;
    private final Duration deadline;

    /** @param client one per process, shared (and closed by its owner) */
    public GoogleBatchSpeechToText(SpeechClient client, String languageCode) {
        this(client, languageCode, DEFAULT_DEADLINE);
    }

    /**
     * @param client   one per process, shared (and closed by its owner)
     * @param deadline how long one piece's {@code Recognize} may take, retries included
     */
    public GoogleBatchSpeechToText(SpeechClient client, String languageCode, Duration deadline) {
        this.client = Objects.requireNonNull(client, "client");
        this.languageCode = Objects.requireNonNull(languageCode, "languageCode");
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("the Recognize deadline must be positive, not " + deadline);
        }
        this.deadline = deadline;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public String transcribe(RecordingAudio piece) {
        if (piece.duration().compareTo(MAX_PIECE) > 0) {
            throw new IllegalArgumentException("a piece of " + piece.duration() + " is over " + MAX_PIECE);
        }
        RecognitionConfig config = RecognitionConfig.newBuilder()
                .setEncoding(piece.encoding() == RecordingAudio.Encoding.MULAW
                        ? RecognitionConfig.AudioEncoding.MULAW : RecognitionConfig.AudioEncoding.LINEAR16)
                .setSampleRateHertz(piece.sampleRateHertz())
                .setAudioChannelCount(piece.channels())
                .setLanguageCode(languageCode)
                .setModel("phone_call")
                .setEnableAutomaticPunctuation(true)
                .setMaxAlternatives(1)
                .build();
        RecognizeRequest request = RecognizeRequest.newBuilder()
                .setConfig(config)
                .setAudio(RecognitionAudio.newBuilder().setContent(ByteString.copyFrom(piece.samples())))
                .build();
        RecognizeResponse response = recognize(request);
        StringBuilder transcript = new StringBuilder();
        for (SpeechRecognitionResult result : response.getResultsList()) {
            if (result.getAlternativesCount() > 0) {
                String text = result.getAlternatives(0).getTranscript().strip();
                if (!text.isEmpty()) {
                    transcript.append(transcript.isEmpty() ? "" : " ").append(text);
                }
            }
        }
        return transcript.toString();
    }

    private RecognizeResponse recognize(RecognizeRequest request) {
        // The context's timeout is each attempt's gRPC deadline (so the server stops too); the
        // wait below bounds the whole call, retries included.
        ApiFuture<RecognizeResponse> call = client.recognizeCallable().futureCall(request,
                GrpcCallContext.createDefault().withTimeoutDuration(deadline));
        try {
            return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new SpeechRecognitionException("Google Speech Recognize: interrupted; the call was cancelled",
                    true, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new SpeechRecognitionException("Google Speech Recognize: no answer within " + deadline
                    + "; the call was cancelled", true, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw new SpeechRecognitionException("Google Speech Recognize: " + api.getStatusCode().getCode() + " "
                        + api.getMessage(), RETRYABLE.contains(api.getStatusCode().getCode()), api);
            }
            throw new SpeechRecognitionException("Google Speech Recognize: " + e.getCause(), true, e.getCause());
        }
    }
}
