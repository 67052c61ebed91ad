package dev.switchboard.adapters.media.speech;

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

import java.util.Objects;
import java.util.Set;

/**
 * Batch speech-to-text through Google's synchronous {@code Recognize} (v1): one request per piece
 * of at most {@link BatchSpeechToText#MAX_PIECE} (the service refuses more than a minute), the
 * piece's own encoding and sample rate in the config ({@code LINEAR16} for Twilio's WAV,
 * {@code MULAW} for μ-law), the {@code phone_call} model's language from {@code CALL_LANGUAGE}.
 * The transcript is the top alternative of each result, in order.
 */
public final class GoogleBatchSpeechToText implements BatchSpeechToText {
    private static final Set<StatusCode.Code> RETRYABLE = Set.of(StatusCode.Code.UNAVAILABLE,
            StatusCode.Code.INTERNAL, StatusCode.Code.ABORTED, StatusCode.Code.DEADLINE_EXCEEDED,
            StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.UNKNOWN);

    private final SpeechClient client;
    private final String languageCode;

    /** @param client one per process, shared (and closed by its owner) */
    public GoogleBatchSpeechToText(SpeechClient client, String languageCode) {
        this.client = Objects.requireNonNull(client, "client");
        this.languageCode = Objects.requireNonNull(languageCode, "languageCode");
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
        RecognizeResponse response;
        try {
            response = client.recognize(request);
        } catch (ApiException e) {
            throw new SpeechRecognitionException("Google Speech Recognize: " + e.getStatusCode().getCode() + " "
                    + e.getMessage(), RETRYABLE.contains(e.getStatusCode().getCode()), e);
        }
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
}
