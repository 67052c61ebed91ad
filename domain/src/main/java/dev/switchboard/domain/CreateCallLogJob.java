package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code create_call_log_job}: opens the log of a call whose media stream started (enqueued by the
 * calls role at the stream's {@code start}). Idempotent on business and call sid: a rerun, or a
 * log another call job opened first, is found and kept; a stream sid fills in one the log lacked.
 */
public final class CreateCallLogJob implements JobHandler {

    /** Call jobs retry quickly: a call log is looked at while and right after the call. */
    static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("create_call_log_job", Queues.DEFAULT,
            RETRY, Duration.ofMinutes(1), new Codec(), CreateCallLogJob::new);

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

    public CreateCallLogJob(JobCollaborators c) {
        this.calls = c.callLogs();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        CallArgs.requireOwnBusiness(job, args.start().businessId());
        CallLog log = calls.open(args.start());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_log_id", log.id());
        result.put("finalized", log.finalized());
        return result;
    }
}
