package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.VoicePrompt;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code prebuild_prompt_job} (queue {@code high}): the voice webhook enqueues it when a call comes
 * in, and it prepares the voice agent's prompt for that call before the caller speaks, so the calls
 * role reads it from the {@link PromptCache} at the stream's start instead of asking the CRM store
 * from a live call. The prompt is built from the business (name, agent prompt, time zone) and, when
 * the other party's number is a lead of the business, from the lead (name, conversation summary,
 * latest messages: {@link AgentPrompts#forCall}). It also refreshes the business's own prompt,
 * which a call falls back to when its own is not there yet.
 *
 * <p>Reads only: nothing is created (a first-time caller's lead is {@code create_lead_from_call_job}'s).
 * Idempotent: the same inputs write the same prompts again, renewing their TTLs. Every read is
 * scoped to the job's business.
 */
public final class PrebuildPromptJob implements JobHandler {

    /** A call's prompt is read at its start and first turn: a quarter of an hour covers a late job too. */
    public static final Duration CALL_TTL = Duration.ofMinutes(15);

    /** Retried quickly and briefly: a prompt ready after the call's first turns helps nobody. */
    static final RetryPolicy RETRY = RetryPolicy.of(2, Duration.ofSeconds(1), Duration.ofSeconds(3));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("prebuild_prompt_job", Queues.HIGH, RETRY,
            Duration.ofSeconds(30), new Codec(), PrebuildPromptJob::new);

    /**
     * @param direction  {@code inbound} or {@code outbound}: whose number is the other party's
     * @param fromNumber the caller, as Twilio reported it
     * @param toNumber   the called number, as Twilio reported it
     */
    public record Args(String businessId, String callSid, String direction, Optional<String> fromNumber,
                       Optional<String> toNumber) {
        public Args {
            Objects.requireNonNull(businessId, "businessId");
            Objects.requireNonNull(callSid, "callSid");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(fromNumber, "fromNumber");
            Objects.requireNonNull(toNumber, "toNumber");
            if (!direction.equals("inbound") && !direction.equals("outbound")) {
                throw new IllegalArgumentException("job argument 'direction' must be inbound or outbound");
            }
        }

        /** The lead's side of the call: the caller of an inbound call, the called number of one we placed. */
        Optional<String> otherParty() {
            return direction.equals("outbound") ? toNumber : fromNumber;
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("business_id", a.businessId()).put("call_sid", a.callSid())
                    .put("direction", a.direction()).put("from_number", a.fromNumber()).put("to_number", a.toNumber())
                    .build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("business_id"), k.string("call_sid"), k.string("direction"),
                    k.optionalString("from_number"), k.optionalString("to_number"));
        }
    }

    /**
     * The voice webhook's job for a call of {@code businessId}: one per call however often Twilio
     * retries the webhook ({@code twilio:<CallSid>:voice:prebuild_prompt_job}).
     */
    public static JobRequest forIncomingCall(Args args, String traceId) {
        return DEFINITION.deduplicatedRequest(args, args.businessId(), traceId,
                CallDedupeKeys.callEvent(args.callSid(), CallDedupeKeys.VOICE, DEFINITION.name()), CallDedupeKeys.TTL);
    }

    private final BusinessRepository businesses;
    private final LeadRepository leads;
    private final MessageRepository messages;
    private final PromptCache prompts;

    public PrebuildPromptJob(JobCollaborators c) {
        this.businesses = c.businesses();
        this.leads = c.leads();
        this.messages = c.messages();
        this.prompts = c.prompts();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        CallArgs.requireOwnBusiness(job, args.businessId());
        // Read, never created: an unknown business gets the prompt of an unconfigured one.
        Business business = businesses.find(args.businessId()).orElseGet(() -> Business.unconfigured(args.businessId()));
        Optional<Lead> lead = args.otherParty().filter(n -> LeadContact.E164.matcher(n).matches())
                .flatMap(phone -> leads.findByPhone(business.id(), phone))
                .filter(l -> l.businessId().equals(business.id()));
        // Twice the messages the prompt quotes: those without text (images, audio) are left out.
        List<ChatMessage> recent = lead.map(l -> messages.recent(business.id(), l.id(),
                2 * AgentPrompts.CALL_CONTEXT_MESSAGES)).orElse(List.of());
        VoicePrompt forBusiness = AgentPrompts.forCall(business, Optional.empty(), List.of());
        VoicePrompt forCall = lead.isEmpty() ? forBusiness : AgentPrompts.forCall(business, lead, recent);
        prompts.putForBusiness(forBusiness, WarmupAgentsJob.BUSINESS_TTL);
        prompts.putForCall(args.callSid(), forCall, CALL_TTL);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_sid", args.callSid());
        result.put("version", forCall.version());
        lead.ifPresent(l -> result.put("lead_id", l.id()));
        return result;
    }
}
