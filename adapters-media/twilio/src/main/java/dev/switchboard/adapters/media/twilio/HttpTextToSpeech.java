package dev.switchboard.adapters.media.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.out.TextToSpeech;
import dev.switchboard.ports.out.TextToSpeechException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Speech from an OpenAI-compatible {@code POST {base}/audio/speech} with {@code response_format:
 * pcm} (raw 24 kHz s16le mono; shared/specs/ai-chat-and-speech.md §3), converted as it arrives to
 * 8 kHz μ-law through {@link Pcm24kToMulaw8k}, so the first frames play before the sentence is
 * fully synthesized. One attempt per sentence: a failed sentence is skipped, never retried on a live
 * call. The timeout bounds the wait for the response's headers.
 */
public final class HttpTextToSpeech implements TextToSpeech {
    /** The service's limit on {@code input}. */
    static final int MAX_INPUT = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param baseUrl {@code TTS_BASE_URL}, the path before {@code /audio/speech}, e.g. {@code https://api.openai.com/v1}
     * @param apiKey  {@code TTS_API_KEY}; unset: no {@code Authorization} header
     * @param model   {@code TTS_MODEL}, e.g. {@code gpt-4o-mini-tts}
     * @param voice   {@code TTS_VOICE}, e.g. {@code alloy}
     * @param timeout {@code TTS_TIMEOUT}: the wait for the first byte
     */
    public record Settings(URI baseUrl, Optional<String> apiKey, String model, String voice, Duration timeout) {
        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(voice, "voice");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + ", model="
                    + model + ", voice=" + voice + ", timeout=" + timeout + "]";
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final URI endpoint;

    public HttpTextToSpeech(Settings settings, HttpClient http) {
        this.settings = settings;
        this.http = http;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "audio/speech");
    }

    @Override
    public void synthesize(String text, Consumer<byte[]> audio) {
        ObjectNode body = JSON.createObjectNode()
                .put("model", settings.model())
                .put("input", text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text)
                .put("voice", settings.voice())
                .put("response_format", "pcm");
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        settings.apiKey().ifPresent(k -> request.header("Authorization", "Bearer " + k));
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new TextToSpeechException("no audio within " + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            throw new TextToSpeechException("cannot reach " + endpoint.getHost() + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                String error = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                throw new TextToSpeechException("HTTP " + response.statusCode() + " from " + endpoint.getHost() + ": "
                        + JSON.readTree(error.isEmpty() ? "{}" : error).path("error").path("message").asText(error));
            }
            Pcm24kToMulaw8k converter = new Pcm24kToMulaw8k();
            byte[] buffer = new byte[4800];          // 100 ms of 24 kHz audio
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    return;                           // barge-in: the rest is not wanted
                }
                byte[] mulaw = converter.convert(buffer, 0, n);
                if (mulaw.length > 0) {
                    audio.accept(mulaw);
                }
            }
        } catch (IOException e) {
            if (!Thread.currentThread().isInterrupted()) {
                throw new TextToSpeechException("the audio broke off: " + e.getClass().getSimpleName(), e);
            }
        }
    }
}
