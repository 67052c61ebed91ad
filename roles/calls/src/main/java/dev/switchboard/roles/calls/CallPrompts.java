package dev.switchboard.roles.calls;

import dev.switchboard.domain.AgentPrompts;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Where a call's voice agent gets its prompt: the {@link PromptCache}, which jobs fill ahead of the
 * call ({@code prebuild_prompt_job} for the call, {@code warmup_agents_job} for its business). Read
 * by the call's agent thread, never by its socket or TX thread, and waited for at most
 * {@code CALL_PROMPT_WAIT}: a call never waits for the CRM store, and not long for Redis. Duties:
 * <ul>
 *   <li>at the stream's start: the call's own prompt, else its business's, else
 *       {@link AgentPrompts#fallbackForCall} (logged as a warning, counted);</li>
 *   <li>at the caller's first turn, when the call started without its own: one more look, since
 *       the job that prepares it may have finished since;</li>
 *   <li>counting which source each call used ({@link #counts}).</li>
 * </ul>
 */
final class CallPrompts {
    private static final Logger LOG = Logger.getLogger(CallPrompts.class.getName());

    /** Where a call's prompt came from. */
    enum Source {
        /** prepared for this call and its caller by {@code prebuild_prompt_job} */
        CALL,
        /** its business's, kept by {@code warmup_agents_job} (or an earlier call's job) */
        BUSINESS,
        /** nothing cached, or the cache did not answer in time: the business's id and the phone rules only */
        FALLBACK,
        /** started with less, and the call's own prompt was there at the caller's first turn */
        CALL_AT_FIRST_TURN
    }

    record Choice(VoicePrompt prompt, Source source) {
    }

    private final PromptCache cache;
    private final Duration wait;
    private final Map<Source, AtomicLong> counts = new EnumMap<>(Source.class);

    CallPrompts(PromptCache cache, Duration wait) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.wait = Objects.requireNonNull(wait, "wait");
        for (Source s : Source.values()) {
            counts.put(s, new AtomicLong());
        }
    }

    /** The prompt a call starts with. Never throws: the fallback is always there. */
    Choice atStart(String businessId, String callSid, String label) {
        PromptCache.Lookup found;
        String why;
        try {
            found = cache.lookup(businessId, callSid, wait);
            why = "nothing cached for the call or its business";
        } catch (JobStoreUnavailableException e) {
            found = PromptCache.Lookup.NOTHING;
            why = "the prompt cache did not answer within " + wait.toMillis() + " ms (" + e.getMessage() + ")";
        } catch (RuntimeException e) {
            // Redis refused the read (not an outage) or an entry did not decode: the call still needs a prompt.
            found = PromptCache.Lookup.NOTHING;
            why = "the prompt cache failed: " + e;
        }
        Choice choice;
        if (found.call().isPresent()) {
            choice = new Choice(found.call().get(), Source.CALL);
            LOG.info(() -> label + ": prompt prepared for the call, version " + found(choice)
                    + (choice.prompt().leadId().isPresent() ? ", caller known" : ", caller not a lead yet"));
        } else if (found.business().isPresent()) {
            choice = new Choice(found.business().get(), Source.BUSINESS);
            LOG.info(() -> label + ": prompt of the business, version " + found(choice)
                    + " (the call's own was not ready; looked for again at the caller's first turn)");
        } else {
            choice = new Choice(AgentPrompts.fallbackForCall(businessId), Source.FALLBACK);
            LOG.warning(label + ": plain fallback prompt: " + why);
        }
        counts.get(choice.source()).incrementAndGet();
        return choice;
    }

    /** The call's own prompt if it is there now (asked once, at the caller's first turn). */
    Optional<VoicePrompt> callPromptNow(String businessId, String callSid, String label) {
        try {
            Optional<VoicePrompt> call = cache.lookup(businessId, callSid, wait).call();
            call.ifPresent(p -> {
                counts.get(Source.CALL_AT_FIRST_TURN).incrementAndGet();
                LOG.info(() -> label + ": prompt prepared for the call arrived, version " + p.version());
            });
            return call;
        } catch (RuntimeException e) {
            // Unavailable, refused or undecodable: the call keeps the prompt it has.
            LOG.fine(() -> label + ": looking for the call's prompt again failed: " + e);
            return Optional.empty();
        }
    }

    /** Calls so far by where their prompt came from. */
    Map<Source, Long> counts() {
        Map<Source, Long> now = new EnumMap<>(Source.class);
        counts.forEach((s, n) -> now.put(s, n.get()));
        return now;
    }

    private static String found(Choice choice) {
        return choice.prompt().version();
    }
}
