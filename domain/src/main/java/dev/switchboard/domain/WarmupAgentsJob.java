package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code warmup_agents_job} (periodic, every 10 minutes, queue {@code low}): keeps the voice agent's
 * prompt of every business that takes calls in the {@link PromptCache}, so a call whose own prompt
 * ({@code prebuild_prompt_job}) is not ready when its stream starts still has its business's name,
 * instructions and time zone, and never waits for the CRM store.
 *
 * <p>"Takes calls" is read from the store: a call log started in the last {@link #RECENT}. (The
 * worker does not know {@code TWILIO_NUMBERS}, the api's and calls role's table, and a second copy
 * of it would drift; a number never called yet gets its first prompt from its first call's
 * {@code prebuild_prompt_job}.) The cache's TTL is three periods, so one or two missed slots (a
 * scheduler takeover, a busy {@code low} queue) lose nothing.
 *
 * <p>What it does not warm: the AI endpoint. The worker's HTTP client is not the calls role's (a
 * warm connection here does nothing for a call there), and a request to the model costs tokens
 * for a server-side prefix cache that OpenAI keeps only for long prompts and minutes, and local
 * servers evict at will (docs/ai.md). So it sends nothing to the AI.
 *
 * <p>Idempotent: the same businesses give the same prompts, written again with fresh TTLs.
 */
public final class WarmupAgentsJob implements JobHandler {

    /** A business's prompt outlives two missed slots of this job. */
    public static final Duration BUSINESS_TTL = Duration.ofMinutes(30);

    /** Businesses with a call this recent are warmed. */
    public static final Duration RECENT = Duration.ofDays(30);

    /** Businesses warmed per run at most (one store read and one cache write each). */
    static final int MAX_BUSINESSES = 5_000;

    /** Not retried: the next slot, 10 minutes later, does the same. */
    public static final JobDefinition<JobDefinition.NoArgs> DEFINITION = JobDefinition.of("warmup_agents_job",
            Queues.LOW, RetryPolicy.NONE, Duration.ofMinutes(5), JobDefinition.NO_ARGS, WarmupAgentsJob::new);

    private final BusinessRepository businesses;
    private final PromptCache prompts;
    private final Clock clock;

    public WarmupAgentsJob(JobCollaborators c) {
        this.businesses = c.businesses();
        this.prompts = c.prompts();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        DEFINITION.argsOf(job);
        List<String> ids = businesses.idsWithCallsSince(clock.instant().minus(RECENT), MAX_BUSINESSES);
        int warmed = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (i % 100 == 0) {
                job.progress().report(100 * i / ids.size(), "warming the prompts of " + ids.size() + " business(es)");
            }
            Optional<Business> business = businesses.find(ids.get(i));
            if (business.isPresent()) {
                prompts.putForBusiness(AgentPrompts.forCall(business.get(), Optional.empty(), List.of()), BUSINESS_TTL);
                warmed++;
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("businesses", ids.size());
        result.put("warmed", warmed);
        result.put("truncated", ids.size() == MAX_BUSINESSES);
        return result;
    }
}
