package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code save_conversation_turn_job}: one turn of a live call (what the caller said, as a final
 * transcript, or what the agent spoke), enqueued by the calls role as the turn happens. Saved once
 * per call and turn number, whatever the order the turns' jobs run in; the call's transcript
 * follows. The log is opened here when this job runs before {@code create_call_log_job}.
 *
 * <p>Keyword arguments: the call's ({@link CallArgs}) and {@code seq}, {@code speaker}
 * ({@code caller}/{@code agent}), {@code text}, {@code at} (ISO-8601).
 */
public final class SaveConversationTurnJob implements JobHandler {

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("save_conversation_turn_job",
            Queues.DEFAULT, CreateCallLogJob.RETRY, Duration.ofMinutes(1), new Codec(), SaveConversationTurnJob::new);

    public record Args(CallLogStart start, CallTurn turn) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return CallArgs.put(Kwargs.builder(), a.start())
                    .put("seq", a.turn().seq())
                    .put("speaker", a.turn().speaker())
                    .put("text", a.turn().text())
                    .put("at", a.turn().at().toString())
                    .build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            long seq = kwargs.longValue("seq");
            if (seq < 0 || seq > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("job argument 'seq' must be a turn number");
            }
            Instant at = CallArgs.instant(kwargs, "at")
                    .orElseThrow(() -> new IllegalArgumentException("job argument 'at' is missing"));
            return new Args(CallArgs.start(kwargs), new CallTurn((int) seq, kwargs.string("speaker"),
                    kwargs.string("text"), at));
        }
    }

    private final CallLogRepository calls;

    public SaveConversationTurnJob(JobCollaborators c) {
        this.calls = c.callLogs();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        CallLogStart start = args.start();
        CallArgs.requireOwnBusiness(job, start.businessId());
        if (calls.find(start.businessId(), start.callSid()).isEmpty()) {
            calls.open(start);
        }
        boolean saved = calls.saveTurn(start.businessId(), start.callSid(), args.turn());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("seq", args.turn().seq());
        result.put("saved", saved ? "now" : "already");
        return result;
    }
}
