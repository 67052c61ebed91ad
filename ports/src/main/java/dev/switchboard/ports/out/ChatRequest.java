package dev.switchboard.ports.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the AI is asked: the system prompt built from the business's agent prompt, the conversation
 * so far (oldest first, ending with the lead's message), and the facts the prompt was built from,
 * for models that compose their own answer (the embedded agent).
 */
public record ChatRequest(String systemPrompt, List<Turn> turns, Context context) {

    /** One message of the conversation, as the model sees it. */
    public record Turn(Role role, String content) {
        public Turn {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    public enum Role { USER, ASSISTANT }

    /**
     * @param businessName the business the agent speaks for
     * @param agentPrompt  the business's own instructions, if any
     * @param leadName     the lead's display name, if known
     * @param channel      {@code whatsapp} or {@code call}
     */
    public record Context(String businessName, Optional<String> agentPrompt, Optional<String> leadName,
                          String channel) {
        public Context {
            Objects.requireNonNull(businessName, "businessName");
            Objects.requireNonNull(agentPrompt, "agentPrompt");
            Objects.requireNonNull(leadName, "leadName");
            Objects.requireNonNull(channel, "channel");
        }
    }

    public ChatRequest {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        turns = List.copyOf(Objects.requireNonNull(turns, "turns"));
        Objects.requireNonNull(context, "context");
    }

    /** The lead's latest message, if the conversation has one. */
    public Optional<String> lastUserMessage() {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).role() == Role.USER) {
                return Optional.of(turns.get(i).content());
            }
        }
        return Optional.empty();
    }
}
