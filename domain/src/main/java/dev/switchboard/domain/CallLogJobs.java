package dev.switchboard.domain;

import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.JobRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs a live call's durable writes become (the calls role enqueues them; it never writes the
 * store): at the stream's start the call log and the caller's lead, one job per turn of the
 * conversation, and the finalization at its end. Each is deduplicated on the call
 * ({@link CallDedupeKeys}), so a repeated enqueue (a retry after a lost reply) makes one job.
 */
public final class CallLogJobs {
    private CallLogJobs() {
    }

    /**
     * What a media stream's {@code start} tells of its call: the business, the parties and the
     * direction the api put in the stream's parameters ({@link CallStreamParameters}).
     */
    public static CallLogStart start(String businessId, String callSid, String streamSid,
                                     Map<String, String> streamParameters, Instant at) {
        return new CallLogStart(businessId, callSid,
                CallArgs.direction(Optional.ofNullable(streamParameters.get(CallStreamParameters.DIRECTION))),
                nonBlank(streamParameters.get(CallStreamParameters.FROM)),
                nonBlank(streamParameters.get(CallStreamParameters.TO)), nonBlank(streamSid), at);
    }

    /** At the stream's start: open the call log, make the other party a lead and link it. */
    public static List<JobRequest> started(CallLogStart start, String traceId) {
        return List.of(
                CreateCallLogJob.DEFINITION.deduplicatedRequest(new CreateCallLogJob.Args(start), start.businessId(),
                        traceId, CallDedupeKeys.callEvent(start.callSid(), CallDedupeKeys.STREAM,
                                CreateCallLogJob.DEFINITION.name()), CallDedupeKeys.TTL),
                CreateLeadFromCallJob.DEFINITION.deduplicatedRequest(new CreateLeadFromCallJob.Args(start),
                        start.businessId(), traceId, CallDedupeKeys.callEvent(start.callSid(), CallDedupeKeys.STREAM,
                                CreateLeadFromCallJob.DEFINITION.name()), CallDedupeKeys.TTL));
    }

    /** One turn of the conversation. */
    public static JobRequest turn(CallLogStart start, CallTurn turn, String traceId) {
        return SaveConversationTurnJob.DEFINITION.deduplicatedRequest(new SaveConversationTurnJob.Args(start, turn),
                start.businessId(), traceId, CallDedupeKeys.turn(start.callSid(), turn.seq(),
                        SaveConversationTurnJob.DEFINITION.name()), CallDedupeKeys.TTL);
    }

    /**
     * The stream ended: {@code completed} when Twilio said {@code stop}, {@code interrupted} when
     * anything else ended it (the socket dropped, no media, bad input, this process stopping).
     *
     * @param turns how many turns this stream enqueued, so the finalization waits for them
     */
    public static JobRequest ended(CallLogStart start, boolean stopped, Instant at, int turns, String reason,
                                   String traceId) {
        CallLogEnd end = new CallLogEnd(stopped ? "completed" : "interrupted", Optional.of(at), Optional.empty());
        return finalizeOnStreamKey(new FinalizeCallLogJob.Args(start, FinalizeCallLogJob.Source.STREAM, end,
                Optional.of(turns), Optional.of(reason)), traceId);
    }

    /** The sweep found the call open and not live: its calls process died. */
    static JobRequest abandoned(CallLogStart start, String traceId) {
        return finalizeOnStreamKey(new FinalizeCallLogJob.Args(start, FinalizeCallLogJob.Source.SWEEP,
                FinalizeAbandonedCallsJob.interrupted(), Optional.empty(),
                Optional.of("no calls process serves the call any more")), traceId);
    }

    private static JobRequest finalizeOnStreamKey(FinalizeCallLogJob.Args args, String traceId) {
        return FinalizeCallLogJob.DEFINITION.deduplicatedRequest(args, args.start().businessId(), traceId,
                CallDedupeKeys.callEvent(args.start().callSid(), CallDedupeKeys.STREAM_ENDED,
                        FinalizeCallLogJob.DEFINITION.name()), CallDedupeKeys.TTL);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
