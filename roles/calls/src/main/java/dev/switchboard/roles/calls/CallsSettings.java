package dev.switchboard.roles.calls;

import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.Durations;

import dev.switchboard.adapters.http.HttpChatModel;
import dev.switchboard.adapters.media.twilio.HttpTextToSpeech;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The calls role's configuration, read once from the environment; every problem reported at once.
 *
 * @param mediaTimeout   {@code CALL_MEDIA_TIMEOUT} (default 10 s): a call whose stream delivered no
 *                       audio for this long is ended (Twilio sends a frame every 20 ms, silence included)
 * @param businesses     the business ids of {@code TWILIO_NUMBERS} (the api's table): a stream that
 *                       starts for any other business is refused
 * @param speechEndpoint {@code GOOGLE_SPEECH_ENDPOINT} ({@code host:port}); unset: transcription off
 * @param language       {@code CALL_LANGUAGE} (default {@code en-US}): BCP-47, for speech-to-text
 * @param ai             {@code AI_BASE_URL}, {@code AI_API_KEY}, {@code AI_MODEL}, {@code AI_MAX_TOKENS},
 *                       {@code AI_MAX_TOKENS_FIELD} as for the worker (docs/ai.md), with
 *                       {@code CALL_AI_TIMEOUT} (default 5 s) as the wait for the first token;
 *                       unset: the embedded agent
 * @param tts            {@code TTS_BASE_URL} (an OpenAI-compatible {@code /audio/speech}), {@code TTS_API_KEY},
 *                       {@code TTS_MODEL} (default {@code gpt-4o-mini-tts}), {@code TTS_VOICE} (default
 *                       {@code alloy}), {@code TTS_TIMEOUT} (default 5 s); unset: the embedded synthesizer
 * @param callsPublicUrl {@code CALLS_PUBLIC_URL} ({@code wss://calls.example.com}): the base Twilio
 *                       streams to, and so the URL it signs each stream's upgrade over; required
 *                       with {@code TWILIO_AUTH_TOKEN}
 * @param livenessTtl    {@code CALL_LIVENESS_TTL} (default 30 s): how long a mark that this process
 *                       serves a call lasts (renewed every third of it); a call of a process that
 *                       died is finalized as interrupted once its mark ran out
 * @param promptWait     {@code CALL_PROMPT_WAIT} (default 300 ms): how long a call's agent waits for
 *                       its prepared prompt from Redis before it greets with a plain one
 */
public record CallsSettings(Duration mediaTimeout, Set<String> businesses, Optional<String> speechEndpoint,
                            String language, Optional<HttpChatModel.Settings> ai,
                            Optional<HttpTextToSpeech.Settings> tts, Optional<URI> callsPublicUrl,
                            Duration livenessTtl, Duration promptWait) {

    /** Where Twilio opens media streams (also in {@code TwilioMediaStreamListener.PATH}). */
    static final String MEDIA_PATH = "/ws/twilio/media";

    public CallsSettings {
        businesses = Set.copyOf(businesses);
    }

    public static CallsSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(10);
        String t = env.get("CALL_MEDIA_TIMEOUT");
        if (t != null && !t.isBlank()) {
            try {
                timeout = Durations.parse("CALL_MEDIA_TIMEOUT", t.strip());
                if (timeout.toMillis() < 100) {
                    problems.add("CALL_MEDIA_TIMEOUT must be at least 100ms, was '" + t + "'");
                }
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        Set<String> businesses = new LinkedHashSet<>();
        String numbers = env.getOrDefault("TWILIO_NUMBERS", "");
        for (String entry : numbers.split(",")) {
            int colon = entry.indexOf(':');
            if (colon > 0 && colon < entry.strip().length()) {
                String business = entry.substring(colon + 1).strip();
                if (!business.isEmpty()) {
                    businesses.add(business);
                }
            }
        }
        Optional<String> speech = Optional.ofNullable(env.get("GOOGLE_SPEECH_ENDPOINT")).map(String::strip)
                .filter(s -> !s.isEmpty());
        speech.ifPresent(s -> {
            if (!s.matches("[^\\s:/]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
                problems.add("GOOGLE_SPEECH_ENDPOINT must be host:port like speech.googleapis.com:443, was '" + s + "'");
            }
        });
        String language = Optional.ofNullable(env.get("CALL_LANGUAGE")).map(String::strip).filter(s -> !s.isEmpty())
                .orElse("en-US");
        Optional<HttpChatModel.Settings> ai = Optional.empty();
        Optional<URI> aiUrl = url(env, "AI_BASE_URL", problems);
        if (aiUrl.isPresent()) {
            String model = env.getOrDefault("AI_MODEL", "").strip();
            if (model.isEmpty()) {
                problems.add("AI_MODEL must name the model when AI_BASE_URL is set");
            }
            String field = env.getOrDefault("AI_MAX_TOKENS_FIELD", "max_tokens").strip();
            if (!field.equals("max_tokens") && !field.equals("max_completion_tokens")) {
                problems.add("AI_MAX_TOKENS_FIELD must be max_tokens or max_completion_tokens, was '" + field + "'");
            }
            int maxTokens = 300;
            try {
                maxTokens = Integer.parseInt(env.getOrDefault("AI_MAX_TOKENS", "300").strip());
            } catch (NumberFormatException e) {
                problems.add("AI_MAX_TOKENS must be a positive whole number");
            }
            ai = Optional.of(new HttpChatModel.Settings(aiUrl.get(), nonBlank(env, "AI_API_KEY"), model,
                    duration(env, "CALL_AI_TIMEOUT", Duration.ofSeconds(5), problems), Math.max(1, maxTokens), field));
        }
        Optional<HttpTextToSpeech.Settings> tts = url(env, "TTS_BASE_URL", problems).map(u -> new HttpTextToSpeech.Settings(
                u, nonBlank(env, "TTS_API_KEY"), nonBlank(env, "TTS_MODEL").orElse("gpt-4o-mini-tts"),
                nonBlank(env, "TTS_VOICE").orElse("alloy"), duration(env, "TTS_TIMEOUT", Duration.ofSeconds(5), problems)));
        Optional<URI> callsUrl = callsPublicUrl(env, problems);
        if (nonBlank(env, "TWILIO_AUTH_TOKEN").isPresent() && callsUrl.isEmpty()
                && nonBlank(env, "CALLS_PUBLIC_URL").isEmpty()) {
            problems.add("CALLS_PUBLIC_URL is required with TWILIO_AUTH_TOKEN: Twilio signs each media stream's upgrade"
                    + " over <CALLS_PUBLIC_URL>" + MEDIA_PATH + ", e.g. wss://calls.example.com");
        }
        Duration liveness = duration(env, "CALL_LIVENESS_TTL", Duration.ofSeconds(30), problems);
        if (liveness.toMillis() < 300) {
            problems.add("CALL_LIVENESS_TTL must be at least 300ms");
        }
        Duration promptWait = duration(env, "CALL_PROMPT_WAIT", Duration.ofMillis(300), problems);
        if (promptWait.toMillis() < 1 || promptWait.compareTo(Duration.ofSeconds(5)) > 0) {
            problems.add("CALL_PROMPT_WAIT must be between 1ms and 5s");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new CallsSettings(timeout, businesses, speech, language, ai, tts, callsUrl, liveness, promptWait);
    }

    /** The signed URL of a stream's upgrade: {@code CALLS_PUBLIC_URL} + {@link #MEDIA_PATH}. */
    Optional<String> mediaStreamUrl() {
        return callsPublicUrl.map(u -> u + MEDIA_PATH);
    }

    private static Optional<URI> callsPublicUrl(Map<String, String> env, List<String> problems) {
        Optional<String> value = nonBlank(env, "CALLS_PUBLIC_URL");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if ("wss".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                String text = uri.toString().endsWith("/") ? uri.toString().substring(0, uri.toString().length() - 1)
                        : uri.toString();
                if (text.endsWith(MEDIA_PATH)) {
                    problems.add("CALLS_PUBLIC_URL is the calls role's base, without " + MEDIA_PATH + ", was '" + text + "'");
                    return Optional.empty();
                }
                return Optional.of(URI.create(text));
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add("CALLS_PUBLIC_URL must be an absolute wss:// URL like wss://calls.example.com (no query, no user"
                + " info), was '" + value.get() + "'");
        return Optional.empty();
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Durations.parse(name, value.get());
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }

    private static Optional<URI> url(Map<String, String> env, String name, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(name + " must be an absolute http(s) URL without user info or query, was '" + value.get() + "'");
        return Optional.empty();
    }
}
