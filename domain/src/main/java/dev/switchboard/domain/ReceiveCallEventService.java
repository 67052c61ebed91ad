package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Turns Twilio call events into jobs. Enqueues only.
 *
 * <ul>
 *   <li>Call started (voice webhook): {@code prebuild_prompt_job} on {@code high} (the agent's
 *       prompt must be ready before the caller speaks), {@code create_call_log_job} and
 *       {@code create_lead_from_call_job} on {@code default}; the answer connects the call to the
 *       media stream. A call to a number no business owns is rejected and enqueues nothing.</li>
 *   <li>Call ended (status callback with a terminal status): {@code finalize_call_log_job} on
 *       {@code default}. Other statuses need no work.</li>
 *   <li>Recording completed: {@code recording_job} on {@code recordings}. Other recording statuses
 *       need no work.</li>
 * </ul>
 * Every job is deduplicated ({@link CallDedupeKeys}) and has the id derived from its key, so an
 * event Twilio sends twice produces each of its jobs once.
 */
public final class ReceiveCallEventService implements ReceiveCallEventUseCase {

    /** Statuses after which a call produces no more audio (shared/specs/twilio-webhooks.md §4). */
    static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    /** Transient failures (store, provider API) are retried; ids are deduplicated anyway. */
    static final RetryPolicy RETRY = RetryPolicy.of(3,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    /** Downloading and transcribing a recording takes longer than the default 3 minutes. */
    static final Duration RECORDING_TIMEOUT = Duration.ofMinutes(15);

    private final JobQueue queue;
    private final BusinessPhoneNumbers numbers;

    public ReceiveCallEventService(JobQueue queue, BusinessPhoneNumbers numbers) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.numbers = Objects.requireNonNull(numbers, "numbers");
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
        String businessId = owner.get();
        Map<String, Object> kwargs = callKwargs(call.callSid(), call.parties(), businessId);
        call.callStatus().ifPresent(s -> kwargs.put("call_status", s));
        List<EnqueueResult> jobs = new ArrayList<>(3);
        // prebuild_prompt first: it is the one the caller waits for.
        jobs.add(enqueue(JobNames.PREBUILD_PROMPT, Queues.HIGH, kwargs, businessId, traceId,
                CallDedupeKeys.callEvent(call.callSid(), CallDedupeKeys.VOICE, JobNames.PREBUILD_PROMPT),
                JobRequest.DEFAULT_TIMEOUT));
        jobs.add(enqueue(JobNames.CREATE_CALL_LOG, Queues.DEFAULT, kwargs, businessId, traceId,
                CallDedupeKeys.callEvent(call.callSid(), CallDedupeKeys.VOICE, JobNames.CREATE_CALL_LOG),
                JobRequest.DEFAULT_TIMEOUT));
        jobs.add(enqueue(JobNames.CREATE_LEAD_FROM_CALL, Queues.DEFAULT, kwargs, businessId, traceId,
                CallDedupeKeys.callEvent(call.callSid(), CallDedupeKeys.VOICE, JobNames.CREATE_LEAD_FROM_CALL),
                JobRequest.DEFAULT_TIMEOUT));
        return new ReceiveCallEventResult.ConnectToMediaStream(businessId,
                streamParameters(call, businessId, traceId), jobs);
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
        String businessId = owner.get();
        Map<String, Object> kwargs = callKwargs(status.callSid(), status.parties(), businessId);
        kwargs.put("call_status", status.callStatus());
        status.callDuration().ifPresent(d -> kwargs.put("call_duration", d));
        status.sequenceNumber().ifPresent(n -> kwargs.put("sequence_number", n));
        status.timestamp().ifPresent(t -> kwargs.put("timestamp", t));
        EnqueueResult job = enqueue(JobNames.FINALIZE_CALL_LOG, Queues.DEFAULT, kwargs, businessId, traceId,
                CallDedupeKeys.callEvent(status.callSid(), CallDedupeKeys.ENDED, JobNames.FINALIZE_CALL_LOG),
                JobRequest.DEFAULT_TIMEOUT);
        return new ReceiveCallEventResult.Accepted(businessId, List.of(job));
    }

    private ReceiveCallEventResult recording(RecordingStatusChanged recording, ReceiveCallEventCommand command) {
        if (!recording.recordingStatus().equals("completed")) {
            return new ReceiveCallEventResult.Ignored(
                    "recording status '" + recording.recordingStatus() + "' needs no work");
        }
        if (recording.recordingUrl().isEmpty()) {
            throw new dev.switchboard.ports.in.InvalidCommandException("a completed recording needs RecordingUrl");
        }
        // Recording callbacks carry no phone number: the callback URL names the business.
        Optional<String> owner = command.callbackBusinessId().filter(numbers::hasBusiness);
        if (owner.isEmpty()) {
            return new ReceiveCallEventResult.Ignored(command.callbackBusinessId()
                    .map(id -> "business_id '" + id + "' of the callback URL is not in TWILIO_NUMBERS")
                    .orElse("the recording callback URL names no business_id"));
        }
        String businessId = owner.get();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("business_id", businessId);
        kwargs.put("call_sid", recording.callSid());
        kwargs.put("recording_sid", recording.recordingSid());
        kwargs.put("recording_url", recording.recordingUrl().get());
        kwargs.put("recording_status", recording.recordingStatus());
        recording.recordingDuration().ifPresent(d -> kwargs.put("recording_duration", d));
        recording.recordingChannels().ifPresent(c -> kwargs.put("recording_channels", c));
        recording.recordingSource().ifPresent(s -> kwargs.put("recording_source", s));
        EnqueueResult job = enqueue(JobNames.RECORDING, Queues.RECORDINGS, kwargs, businessId,
                command.traceId(), CallDedupeKeys.recording(recording.callSid()), RECORDING_TIMEOUT);
        return new ReceiveCallEventResult.Accepted(businessId, List.of(job));
    }

    /**
     * Kwargs every call job shares. Phone numbers are {@code from_number}/{@code to_number}:
     * {@code from} is a Python keyword, and python-rq workers may read these as keyword arguments.
     */
    private static Map<String, Object> callKwargs(String callSid, CallParties parties, String businessId) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("business_id", businessId);
        kwargs.put("call_sid", callSid);
        parties.from().ifPresent(f -> kwargs.put("from_number", f));
        parties.to().ifPresent(t -> kwargs.put("to_number", t));
        parties.direction().ifPresent(d -> kwargs.put("direction", d));
        return kwargs;
    }

    private EnqueueResult enqueue(String job, String queueName, Map<String, Object> kwargs, String businessId,
                                  String traceId, String dedupeKey, Duration timeout) {
        return queue.enqueue(JobRequest.of(job, queueName, kwargs, businessId, traceId)
                .withDedupe(dedupeKey, CallDedupeKeys.TTL)
                .withTimeout(timeout)
                .withRetry(RETRY));
    }

    private static String notOurs(CallParties parties) {
        return "no business in TWILIO_NUMBERS owns "
                + BusinessPhoneNumbers.ourNumber(parties).map(n -> "number " + n).orElse("this call (no number given)");
    }
}
