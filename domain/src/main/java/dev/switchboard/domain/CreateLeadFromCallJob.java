package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LeadUpsert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code create_lead_from_call_job}: the other party of a call becomes a lead (the caller of an
 * inbound call, the called number of one we placed), upserted by phone so a person keeps one lead
 * across calls and WhatsApp, and the call log is linked to it. A number that is not a phone
 * ({@code anonymous}, {@code client:…}, a SIP address) makes no lead.
 *
 * <p>Idempotent: one lead per business and phone (a constraint), the first link stays. The log is
 * opened here too when this job runs before {@code create_call_log_job}.
 */
public final class CreateLeadFromCallJob implements JobHandler {

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("create_lead_from_call_job", Queues.DEFAULT,
            CreateCallLogJob.RETRY, Duration.ofMinutes(1), new Codec(), CreateLeadFromCallJob::new);

    public record Args(CallLogStart start) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return CallArgs.put(Kwargs.builder(), a.start()).build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            return new Args(CallArgs.start(kwargs));
        }
    }

    private final CallLogRepository calls;
    private final LeadRepository leads;

    public CreateLeadFromCallJob(JobCollaborators c) {
        this.calls = c.callLogs();
        this.leads = c.leads();
    }

    @Override
    public Object run(JobExecution job) {
        CallLogStart start = DEFINITION.argsOf(job).start();
        CallArgs.requireOwnBusiness(job, start.businessId());
        Map<String, Object> result = new LinkedHashMap<>();
        Optional<String> phone = CallArgs.otherParty(start).filter(n -> LeadContact.E164.matcher(n).matches());
        if (phone.isEmpty()) {
            result.put("lead", "none: the other party's number is not a phone number");
            return result;
        }
        LeadUpsert lead = leads.upsert(new LeadContact(start.businessId(), phone, Optional.empty(), Optional.empty(),
                Optional.empty(), "call"));
        if (calls.find(start.businessId(), start.callSid()).isEmpty()) {
            calls.open(start);
        }
        calls.linkLead(start.businessId(), start.callSid(), lead.lead().id());
        result.put("lead_id", lead.lead().id());
        result.put("lead_created", lead.created());
        return result;
    }
}
