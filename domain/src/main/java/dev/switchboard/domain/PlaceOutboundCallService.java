package dev.switchboard.domain;

import dev.switchboard.ports.in.OutboundCallAccepted;
import dev.switchboard.ports.in.PlaceOutboundCallCommand;
import dev.switchboard.ports.in.PlaceOutboundCallUseCase;
import dev.switchboard.ports.out.CallInstructions;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.NewOutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;

import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.UUID;

/**
 * Takes a request for an outbound call: checks the lead is the business's, stores the request with
 * what the job will send (our number, the TwiML that connects the answered call to the media stream,
 * the status callback) and queues its one {@code place_outbound_call_job}, in one step: the request
 * commits only with its job. A retry with the same request id gets the first request back; the same
 * id for a different call is a conflict. Enqueues only: Twilio is the job's business.
 */
public final class PlaceOutboundCallService implements PlaceOutboundCallUseCase {
    /** Twilio's direction of a call placed through the REST API; the calls role reads the lead's side from it. */
    static final String DIRECTION = "outbound-api";

    private final OutboundCallRepository calls;
    private final LeadRepository leads;
    private final BusinessPhoneNumbers numbers;
    private final CallInstructions instructions;
    private final String statusCallbackUrl;
    private final JobQueue queue;

    /**
     * @param statusCallbackUrl where Twilio posts a call's status events (the api's
     *                          {@code /webhook/twilio/status}); each request adds {@code ?outbound=<id>}
     */
    public PlaceOutboundCallService(OutboundCallRepository calls, LeadRepository leads, BusinessPhoneNumbers numbers,
                                    CallInstructions instructions, String statusCallbackUrl, JobQueue queue) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.leads = Objects.requireNonNull(leads, "leads");
        this.numbers = Objects.requireNonNull(numbers, "numbers");
        this.instructions = Objects.requireNonNull(instructions, "instructions");
        this.statusCallbackUrl = Objects.requireNonNull(statusCallbackUrl, "statusCallbackUrl");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public OutboundCallAccepted place(PlaceOutboundCallCommand command) {
        String business = command.businessId();
        String from = numbers.numberOf(business).orElseThrow(() -> new Conflict("this business has no Twilio number to"
                + " call from: add one to TWILIO_NUMBERS"));
        if (command.leadId().isPresent() && leads.find(business, command.leadId().get()).isEmpty()) {
            throw new LeadNotFound();
        }
        String requestId = command.requestId().orElseGet(() -> "oc-" + UUID.randomUUID());
        SequencedMap<String, String> parameters = new LinkedHashMap<>();
        parameters.put(CallStreamParameters.BUSINESS_ID, business);
        parameters.put(CallStreamParameters.FROM, from);
        parameters.put(CallStreamParameters.TO, command.toNumber());
        parameters.put(CallStreamParameters.DIRECTION, DIRECTION);
        parameters.put(CallStreamParameters.TRACE_ID, command.traceId());
        NewOutboundCall call = new NewOutboundCall(business, requestId, command.toNumber(), from, command.leadId(),
                instructions.connectToMediaStream(parameters), statusCallbackUrl + "?outbound=" + requestId);
        OutboundCallRepository.Creation creation = calls.create(call,
                stored -> queue.enqueue(PlaceOutboundCallJob.request(business, command.traceId(), requestId,
                        stored.createdAt())).jobId());
        if (!creation.created() && !creation.call().sameRequestAs(call)) {
            throw new Conflict("request_id '" + requestId + "' was used for a different call (another 'to' or"
                    + " 'lead_id'); use a new request_id");
        }
        return new OutboundCallAccepted(requestId, creation.call().jobId().orElse(""), !creation.created(),
                creation.call());
    }
}
