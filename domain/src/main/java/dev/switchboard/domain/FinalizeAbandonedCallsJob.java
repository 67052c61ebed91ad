package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code finalize_abandoned_calls_job} (periodic, every minute, queue {@code maintenance}): finds
 * calls whose calls process died mid-call (killed, crashed, its host gone) and has them finalized
 * as {@code interrupted}, ending at their last saved turn.
 *
 * <p>A call a media stream carried is open in the store until its stream's verdict lands. While
 * a calls process serves a call it keeps marking it live ({@link LiveCalls}, marks that run out
 * on Redis's clock); a process that dies stops marking. So an open streamed call that is not live
 * lost its process: this job enqueues its {@code finalize_call_log_job} under the same dedupe key
 * the stream's own finalization uses, so when the stream did say how it ended (its job merely
 * waits in the queue) nothing second is queued, and the stream's verdict stands.
 */
public final class FinalizeAbandonedCallsJob implements JobHandler {

    /** Not retried: the next minute's run does the same. */
    public static final JobDefinition<JobDefinition.NoArgs> DEFINITION = JobDefinition.of(
            "finalize_abandoned_calls_job", Queues.MAINTENANCE, RetryPolicy.NONE, Duration.ofSeconds(50),
            JobDefinition.NO_ARGS, FinalizeAbandonedCallsJob::new);

    /** Calls looked at per run; more wait for the next minute. */
    static final int BATCH = 500;

    private final CallLogRepository calls;
    private final LiveCalls live;
    private final JobQueue jobs;
    private final Clock clock;

    public FinalizeAbandonedCallsJob(JobCollaborators c) {
        this.calls = c.callLogs();
        this.live = c.liveCalls();
        this.jobs = c.jobs();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        DEFINITION.argsOf(job);
        List<CallLog> open = calls.openStreamsStartedBefore(clock.instant(), BATCH);
        Set<LiveCalls.Call> serving = live.live(open.stream().map(c -> new LiveCalls.Call(c.businessId(), c.callSid()))
                .toList());
        List<JobRequest> finalize = new ArrayList<>();
        for (CallLog call : open) {
            if (serving.contains(new LiveCalls.Call(call.businessId(), call.callSid()))) {
                continue;
            }
            CallLogStart start = new CallLogStart(call.businessId(), call.callSid(), call.direction(), call.fromNumber(),
                    call.toNumber(), call.streamSid(), call.startedAt());
            finalize.add(CallLogJobs.abandoned(start, job.traceId()));
        }
        List<EnqueueResult> results = finalize.isEmpty() ? List.of() : jobs.enqueueAll(finalize);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("open", open.size());
        result.put("abandoned", finalize.size());
        result.put("enqueued", results.stream().filter(EnqueueResult.Enqueued.class::isInstance).count());
        return result;
    }

    static CallLogEnd interrupted() {
        return new CallLogEnd("interrupted", Optional.empty(), Optional.empty());
    }
}
