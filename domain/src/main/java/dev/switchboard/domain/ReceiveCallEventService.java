package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Decides what Twilio's call events lead to.
 *
 * <ul>
 *   <li>Call started (voice webhook): the call is connected to the media stream of the business
 *       that owns the number; a call to a number no business owns is rejected.</li>
 *   <li>Call ended, recording completed: validated and acknowledged.</li>
 * </ul>
 * The call jobs ({@code prebuild_prompt_job}, {@code create_call_log_job},
 * {@code create_lead_from_call_job}, {@code finalize_call_log_job}, {@code recording_job}) have no
 * handler yet, so nothing is enqueued for them (nothing may fail as an unknown job); they join
 * here, deduplicated per event with {@link CallDedupeKeys}, with their job types.
 */
public final class ReceiveCallEventService implements ReceiveCallEventUseCase {

    /** Statuses after which a call produces no more audio (docs/twilio.md, "Voice and status callbacks"). */
    static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    /** Said of call events whose job has no handler yet: accepted, nothing enqueued (README). */
    static final String NOT_BUILT = "accepted; not processed yet: no handler for ";

    private final BusinessPhoneNumbers numbers;

    public ReceiveCallEventService(BusinessPhoneNumbers numbers) {
        this.numbers = Objects.requireNonNull(numbers, "numbers");
    }

    @Override
    public ReceiveCallEventResult receive(ReceiveCallEventCommand command) {
        return switch (command.event()) {
            case CallStarted started -> started(started, command.traceId());
            case CallStatusChanged status -> statusChanged(status);
            case RecordingStatusChanged recording -> recording(recording, command);
        };
    }

    private ReceiveCallEventResult started(CallStarted call, String traceId) {
        Optional<String> owner = numbers.ownerOf(call.parties());
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.RejectCall(notOurs(call.parties()));
        }
        // prebuild_prompt_job, create_call_log_job and create_lead_from_call_job join here with
        // their job types (the calls issue); until then the call is only connected.
        return new ReceiveCallEventResult.ConnectToMediaStream(owner.get(),
                streamParameters(call, owner.get(), traceId), List.of());
    }

    private static SequencedMap<String, String> streamParameters(CallStarted call, String businessId,
                                                                 String traceId) {
        SequencedMap<String, String> parameters = new LinkedHashMap<>();
        parameters.put(CallStreamParameters.CALL_SID, call.callSid());
        parameters.put(CallStreamParameters.FROM, call.parties().from().orElseThrow());
        parameters.put(CallStreamParameters.TO, call.parties().to().orElseThrow());
        call.parties().direction().ifPresent(d -> parameters.put(CallStreamParameters.DIRECTION, d));
        parameters.put(CallStreamParameters.BUSINESS_ID, businessId);
        parameters.put(CallStreamParameters.TRACE_ID, traceId);
        return parameters;
    }

    private ReceiveCallEventResult statusChanged(CallStatusChanged status) {
        if (!FINAL_STATUSES.contains(status.callStatus())) {
            return new ReceiveCallEventResult.Ignored("call status '" + status.callStatus() + "' is not final");
        }
        Optional<String> owner = numbers.ownerOf(status.parties());
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.Ignored(notOurs(status.parties()));
        }
        return new ReceiveCallEventResult.Ignored(NOT_BUILT + "finalize_call_log_job");
    }

    private ReceiveCallEventResult recording(RecordingStatusChanged recording, ReceiveCallEventCommand command) {
        if (!recording.recordingStatus().equals("completed")) {
            return new ReceiveCallEventResult.Ignored(
                    "recording status '" + recording.recordingStatus() + "' needs no work");
        }
        if (recording.recordingUrl().isEmpty()) {
            throw new IllegalArgumentException("a completed recording needs RecordingUrl");
        }
        // Recording callbacks carry no phone number: the callback URL names the business.
        Optional<String> owner = command.callbackBusinessId().filter(numbers::hasBusiness);
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.Ignored(command.callbackBusinessId()
                    .map(id -> "business_id '" + id + "' of the callback URL is not in TWILIO_NUMBERS")
                    .orElse("the recording callback URL names no business_id"));
        }
        return new ReceiveCallEventResult.Ignored(NOT_BUILT + "recording_job");
    }

    private static String notOurs(CallParties parties) {
        return "no business in TWILIO_NUMBERS owns "
                + BusinessPhoneNumbers.ourNumber(parties).map(n -> "number " + n).orElse("this call (no number given)");
    }
}
