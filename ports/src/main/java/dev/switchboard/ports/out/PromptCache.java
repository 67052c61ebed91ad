package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The voice agent's prompts, prepared ahead of calls by jobs ({@code warmup_agents_job} for each
 * business, {@code prebuild_prompt_job} for each call and its caller) and read by the calls role
 * when a call starts, so that no thread of a live call waits for the CRM store. Entries expire on
 * their own (the store's clock); a missing entry is normal and the reader falls back to less.
 * Every entry belongs to one business: a business's lookup never returns another's.
 */
public interface PromptCache {

    /**
     * Keeps {@code prompt} as its business's prompt (no caller known) for {@code ttl}, replacing
     * the one kept before.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    void putForBusiness(VoicePrompt prompt, Duration ttl);

    /**
     * Keeps {@code prompt} as the prompt of the call {@code callSid} of its business for {@code ttl}.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    void putForCall(String callSid, VoicePrompt prompt, Duration ttl);

    /**
     * The call's own prompt and its business's, read together, waiting at most {@code wait} for the
     * answer (a live call cannot wait longer; it then goes on without).
     *
     * @throws JobStoreUnavailableException when the store cannot be reached or does not answer in time
     */
    Lookup lookup(String businessId, String callSid, Duration wait);

    /** What {@link #lookup} found: the call's own prompt and its business's, each if kept. */
    record Lookup(Optional<VoicePrompt> call, Optional<VoicePrompt> business) {
        public static final Lookup NOTHING = new Lookup(Optional.empty(), Optional.empty());

        public Lookup {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(business, "business");
        }
    }
}
