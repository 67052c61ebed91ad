package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobMaintenance;
import io.lettuce.core.ScriptOutputType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/** {@link JobMaintenance} on Redis: the lease reaper and the promotion of due retries. */
public final class RedisJobMaintenance implements JobMaintenance {
    private static final Logger LOG = Logger.getLogger(RedisJobMaintenance.class.getName());
    private static final int BATCH = 500;
    private static final byte[] POISON = RqFormat.deflate(
            "The job's lease expired too many times: it keeps killing or stalling its workers."
                    .getBytes(StandardCharsets.UTF_8));

    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobMaintenance(RedisConnections redis, Clock clock) {
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public int recoverExpiredLeases(List<String> queues, int maxLeaseExpiries) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::started, RedisKeys::queue, RedisKeys::wake,
                RedisKeys::failed, RedisKeys::canceled);
        Instant now = clock.instant();
        List<Long> counts = RedisFailures.guard("recover expired leases", () -> scripts.run("recoverExpired",
                ScriptOutputType.MULTI, keys, RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(RqFormat.timestamp(now)), RqFormat.utf8(Integer.toString(maxLeaseExpiries)),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)), POISON,
                RqFormat.utf8(Integer.toString(BATCH))));
        long recovered = counts.get(0);
        long failed = counts.get(1);
        long canceled = counts.get(2);
        if (recovered + failed + canceled > 0) {
            LOG.warning("expired leases: " + recovered + " job(s) requeued, " + failed
                    + " failed after " + maxLeaseExpiries + " expiries, " + canceled + " canceled");
        }
        return (int) (recovered + failed + canceled);
    }

    /** Canceled entries have no expiry score of their own (python-rq scores them by cancel time). */
    static final long CANCELED_RETENTION_SECONDS = 7 * 86_400;

    @Override
    public int pruneRegistries(List<String> queues) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::finished, RedisKeys::failed, RedisKeys::canceled);
        Long removed = RedisFailures.guard("prune registries", () -> scripts.run("pruneRegistries",
                ScriptOutputType.INTEGER, keys, RqFormat.utf8(RqFormat.score(clock.instant())),
                RqFormat.utf8(Long.toString(CANCELED_RETENTION_SECONDS))));
        return removed == null ? 0 : removed.intValue();
    }

    @Override
    public int promoteDueJobs(List<String> queues) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::scheduled, RedisKeys::queue, RedisKeys::wake);
        Instant now = clock.instant();
        Long promoted = RedisFailures.guard("promote due jobs", () -> scripts.run("promoteDue",
                ScriptOutputType.INTEGER, keys, RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(RqFormat.timestamp(now)), RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)),
                RqFormat.utf8(Integer.toString(BATCH))));
        return promoted == null ? 0 : promoted.intValue();
    }
}
