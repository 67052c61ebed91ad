package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobStoreUnavailableException;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
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
 *       that owns the number, and {@code prebuild_prompt_job} prepares its agent's prompt (once per
 *       call); a call to a number no business owns is rejected.</li>
 *   <li>Call ended (a final status): {@code finalize_call_log_job} with Twilio's word on how,
 *       deduplicated on the call's end, whichever final status arrives first.</li>
 *   <li>Recording completed: {@code recording_job} downloads, transcribes and stores it, once per
 *       recording sid, for the business the (signed) callback URL names.</li>
 * </ul>
 * The call log, the caller's lead and the turns are the calls role's jobs, enqueued when the media
 * stream starts. Inbound calls are recorded ({@link ReceiveCallEventResult.ConnectToMediaStream#record()});
 * a call we placed is recorded, or not, by whoever placed it.
 */
public final class ReceiveCallEventService implements ReceiveCallEventUseCase {

    /** Statuses after which a call produces no more audio (docs/twilio.md, "Voice and status callbacks"). */
    static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final BusinessPhoneNumbers numbers;
    private final JobQueue jobs;
    private final Clock clock;

    /**
     * @param clock when a status callback carries no usable {@code Timestamp}, the call ended now
     */
    public ReceiveCallEventService(BusinessPhoneNumbers numbers, JobQueue jobs, Clock clock) {
        this.numbers = Objects.requireNonNull(numbers, "numbers");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ReceiveCallEventResult receive(ReceiveCallEventCommand command) {
        return switch (command.event()) {
            case CallStarted started -> started(started, command.traceId());
            case CallStatusChanged status -> statusChanged(status, command.traceId());
            case RecordingStatusChanged recording -> recording(recording, command);
        };
    }

    private ReceiveCallEventResult started(CallStarted call, String traceId) {
        Optional<String> owner = numbers.ownerOf(call.parties());
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.RejectCall(notOurs(call.parties()));
        }
        SequencedMap<String, String> parameters = streamParameters(call, owner.get(), traceId);
        PrebuildPromptJob.Args prompt = new PrebuildPromptJob.Args(owner.get(), call.callSid(),
                CallArgs.direction(call.parties().direction()), call.parties().from(), call.parties().to());
        boolean record = CallArgs.direction(call.parties().direction()).equals("inbound");
        try {
            return new ReceiveCallEventResult.ConnectToMediaStream(owner.get(), parameters,
                    List.of(jobs.enqueue(PrebuildPromptJob.forIncomingCall(prompt, traceId))), Optional.empty(), record);
        } catch (JobStoreUnavailableException e) {
            // The prompt is an optimisation: the calls role falls back to a plain one. Refusing the
            // call (503: Twilio's fallback URL, or an error message to the caller) would cost more.
            return new ReceiveCallEventResult.ConnectToMediaStream(owner.get(), parameters, List.of(),
                    Optional.of("prebuild_prompt_job not enqueued (" + e.getMessage() + "): the call's agent starts"
                            + " with its business's cached prompt, or a plain one"), record);
        }
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

    private ReceiveCallEventResult statusChanged(CallStatusChanged status, String traceId) {
        if (!FINAL_STATUSES.contains(status.callStatus())) {
            return new ReceiveCallEventResult.Ignored("call status '" + status.callStatus() + "' is not final");
        }
        Optional<String> owner = numbers.ownerOf(status.parties());
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.Ignored(notOurs(status.parties()));
        }
        Instant ended = status.timestamp().flatMap(ReceiveCallEventService::rfc2822).orElseGet(clock::instant);
        Optional<Integer> duration = status.callDuration().filter(d -> d >= 0 && d <= Integer.MAX_VALUE)
                .map(Long::intValue);
        CallLogStart start = new CallLogStart(owner.get(), status.callSid(), CallArgs.direction(status.parties().direction()),
                status.parties().from(), status.parties().to(), Optional.empty(),
                ended.minusSeconds(duration.orElse(0)));
        FinalizeCallLogJob.Args args = new FinalizeCallLogJob.Args(start, FinalizeCallLogJob.Source.TWILIO,
                new CallLogEnd(status.callStatus(), Optional.of(ended), duration), Optional.empty(),
                Optional.of("Twilio status " + status.callStatus()));
        EnqueueResult finalize = jobs.enqueue(FinalizeCallLogJob.DEFINITION.deduplicatedRequest(args, owner.get(), traceId,
                CallDedupeKeys.callEvent(status.callSid(), CallDedupeKeys.ENDED, FinalizeCallLogJob.DEFINITION.name()),
                CallDedupeKeys.TTL));
        return new ReceiveCallEventResult.Accepted(owner.get(), List.of(finalize));
    }

    /** Twilio's {@code Timestamp} ({@code Tue, 24 Nov 2026 18:31:19 +0000}); empty when it is not one. */
    static Optional<Instant> rfc2822(String timestamp) {
        try {
            return Optional.of(ZonedDateTime.parse(timestamp.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
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
        RecordingJob.Args args = new RecordingJob.Args(owner.get(), recording.callSid(), recording.recordingSid(),
                recording.recordingUrl().get(), recording.recordingStatus(), recording.recordingDuration(),
                recording.recordingChannels(), recording.recordingSource());
        return new ReceiveCallEventResult.Accepted(owner.get(),
                List.of(jobs.enqueue(RecordingJob.forCompletedRecording(args, command.traceId()))));
    }

    private static String notOurs(CallParties parties) {
        return "no business in TWILIO_NUMBERS owns "
                + BusinessPhoneNumbers.ourNumber(parties).map(n -> "number " + n).orElse("this call (no number given)");
    }
}
