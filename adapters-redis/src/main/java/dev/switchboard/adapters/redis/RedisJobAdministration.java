package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import dev.switchboard.ports.out.JobAdministration;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/** {@link JobAdministration} on Redis: cancel, cancel a run, requeue; every step one script. */
public final class RedisJobAdministration implements JobAdministration {
    private static final Logger LOG = Logger.getLogger(RedisJobAdministration.class.getName());

    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobAdministration(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CancelOutcome cancel(BusinessScope scope, String jobId) {
        String queue = origin(jobId);
        if (queue == null) {
            return CancelOutcome.NOT_FOUND;
        }
        Instant now = clock.instant();
        Long code = RedisFailures.guard("cancel", () -> scripts.run("cancel-4", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(jobId), RedisKeys.queue(queue), RedisKeys.scheduled(queue),
                        RedisKeys.canceled(queue)},
                RqFormat.utf8(jobId), RqFormat.utf8(scope.businessId().orElse("")),
                RqFormat.utf8(RqFormat.timestamp(now))));
        CancelOutcome outcome = switch (code == null ? 0 : code.intValue()) {
            case 1 -> CancelOutcome.CANCELED;
            case 2 -> CancelOutcome.CANCEL_REQUESTED;
            case 3 -> CancelOutcome.ALREADY_DONE;
            default -> CancelOutcome.NOT_FOUND;
        };
        if (outcome == CancelOutcome.CANCELED || outcome == CancelOutcome.CANCEL_REQUESTED) {
            LOG.info("job " + outcome.name().toLowerCase(java.util.Locale.ROOT) + " job_id=" + jobId);
        }
        return outcome;
    }

    @Override
    public int cancelRun(String businessId, String runId) {
        List<byte[]> members = RedisFailures.guard("read run", () ->
                List.copyOf(redis.commands().smembers(RedisKeys.run(businessId, runId))));
        int affected = 0;
        BusinessScope scope = BusinessScope.of(businessId);
        for (byte[] member : members) {
            CancelOutcome outcome = cancel(scope, RqFormat.text(member));
            if (outcome == CancelOutcome.CANCELED || outcome == CancelOutcome.CANCEL_REQUESTED) {
                affected++;
            }
        }
        return affected;
    }

    @Override
    public boolean requeue(BusinessScope scope, String jobId) {
        String queue = origin(jobId);
        if (queue == null) {
            return false;
        }
        Long code = RedisFailures.guard("requeue", () -> scripts.run("requeue-5", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(jobId), RedisKeys.failed(queue), RedisKeys.canceled(queue),
                        RedisKeys.queue(queue), RedisKeys.wake(queue)},
                RqFormat.utf8(jobId), RqFormat.utf8(scope.businessId().orElse("")),
                RqFormat.utf8(RqFormat.timestamp(clock.instant())),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS))));
        return code != null && code == 1;
    }

    @Override
    public int requeueAllFailed(BusinessScope scope, String queue) {
        List<byte[]> ids = RedisFailures.guard("read failed", () ->
                redis.commands().zrange(RedisKeys.failed(queue), 0, -1));
        int requeued = 0;
        for (byte[] id : ids) {
            if (requeue(scope, RqFormat.text(id))) {
                requeued++;
            }
        }
        return requeued;
    }

    private String origin(String jobId) {
        return RqFormat.text(RedisFailures.guard("read job", () -> redis.commands().hget(RedisKeys.job(jobId), "origin")));
    }
}
