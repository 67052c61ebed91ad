package dev.switchboard.ports.out;

import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A business (tenant) of the CRM: what its agents need to know about it.
 *
 * @param id          the business id, as in {@code API_TOKENS}, {@code TWILIO_NUMBERS} and the
 *                    gateway's {@code tenantId}
 * @param name        the name the agents introduce themselves with
 * @param zone        the business's time zone (reminders, daily jobs)
 * @param agentPrompt what the AI agent is told about the business, if set
 * @param settings    free-form settings (string keys and values), e.g. {@code reply_language}
 */
public record Business(String id, String name, ZoneId zone, Optional<String> agentPrompt,
                       Map<String, String> settings) {

    public static final int MAX_NAME = 200;
    public static final int MAX_PROMPT = 20_000;

    public Business {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(agentPrompt, "agentPrompt");
        settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
        if (id.isBlank()) {
            throw new IllegalArgumentException("business id must not be blank");
        }
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("business name must be 1.." + MAX_NAME + " characters");
        }
        if (agentPrompt.map(p -> p.length() > MAX_PROMPT).orElse(false)) {
            throw new IllegalArgumentException("agent prompt must be at most " + MAX_PROMPT + " characters");
        }
    }

    /** A business nobody has configured yet: named after its id, in UTC, with no prompt. */
    public static Business unconfigured(String id) {
        return new Business(id, id, ZoneId.of("UTC"), Optional.empty(), Map.of());
    }
}
