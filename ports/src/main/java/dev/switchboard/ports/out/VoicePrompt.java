package dev.switchboard.ports.out;

import java.util.Objects;
import java.util.Optional;

/**
 * What the voice agent of one business is told on a call: the system prompt, and the facts it was
 * built from (the embedded agent composes its answers from them, the greeting names the business).
 * Prepared by jobs ahead of the call and kept in the {@link PromptCache}, so a live call never
 * waits for the CRM store.
 *
 * @param businessId   the business whose agent speaks
 * @param businessName the name the agent introduces itself with
 * @param agentPrompt  the business's own instructions, if any
 * @param leadId       the caller's lead, when the prompt was built for a known caller
 * @param leadName     the caller's name, if known
 * @param systemPrompt the system message of every request of the call
 * @param version      a digest of everything the prompt was built from: equal versions, equal prompts
 */
public record VoicePrompt(String businessId, String businessName, Optional<String> agentPrompt, Optional<String> leadId,
                          Optional<String> leadName, String systemPrompt, String version) {
    public VoicePrompt {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(businessName, "businessName");
        Objects.requireNonNull(agentPrompt, "agentPrompt");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(leadName, "leadName");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(version, "version");
        if (businessId.isBlank() || systemPrompt.isBlank()) {
            throw new IllegalArgumentException("a voice prompt needs a business and a system prompt");
        }
    }
}
