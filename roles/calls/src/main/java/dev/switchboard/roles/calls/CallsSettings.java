package dev.switchboard.roles.calls;

import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.Durations;

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
 */
public record CallsSettings(Duration mediaTimeout, Set<String> businesses, Optional<String> speechEndpoint,
                            String language) {

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
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new CallsSettings(timeout, businesses, speech, language);
    }
}
