package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobMaintenance;
import io.lettuce.core.ScriptOutputType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * {@link JobMaintenance} on Redis: the lease reaper, the promotion of due retries, registry
 * pruning and worker-set pruning; {@link #maintain} does all of it in one script call. Deadlines
 * are compared with Redis's clock, so a worker with a skewed clock recovers nothing early.
 */
public final class RedisJobMaintenance implements JobMaintenance {
    private static final Logger LOG = Logger.getLogger(RedisJobMaintenance.class.getName());
    private static final int BATCH = 500;
    /** Worker keys checked per call for a dead worker's leftover set membership. */
    private static final int WORKERS_CHECKED = 100;
    /** The per-second timeline keeps one hour. */
    static final long TIMELINE_SECONDS = 3600;
    private static final byte[] POISON = RqFormat.deflate(
            "The job's lease expired too many times: it keeps killing or stalling its workers."
                    .getBytes(StandardCharsets.UTF_8));
    /** Canceled entries have no expiry score of their own (python-rq scores them by cancel time). */
    static final long CANCELED_RETENTION_SECONDS = 7 * 86_400;

    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobMaintenance(RedisConnections redis, Clock clock) {
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public int maintain(List<String> queues, int maxLeaseExpiries) {
        List<String> keys = new ArrayList<>(List.of(RedisKeys.WORKERS, RedisKeys.STATS_TIMELINE));
        keys.addAll(List.of(RedisKeys.perQueue(queues, RedisKeys::started, RedisKeys::queue, RedisKeys::wake,
                RedisKeys::failed, RedisKeys::canceled, RedisKeys::scheduled, RedisKeys::finished, RedisKeys::workersOf)));
        List<Long> counts = RedisFailures.guard("maintenance", () -> scripts.run("maintain", ScriptOutputType.MULTI,
                keys.toArray(String[]::new), RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(now()),
                RqFormat.utf8(Integer.toString(maxLeaseExpiries)),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)), POISON,
                RqFormat.utf8(Integer.toString(BATCH)), RqFormat.utf8(Long.toString(CANCELED_RETENTION_SECONDS)),
                RqFormat.utf8(Long.toString(TIMELINE_SECONDS)), RqFormat.utf8(Integer.toString(WORKERS_CHECKED))));
        logRecovery(counts.get(0), counts.get(1), counts.get(2), maxLeaseExpiries);
        if (counts.get(5) > 0) {
            LOG.info("dropped " + counts.get(5) + " dead worker(s) from the worker sets");
        }
        return (int) (counts.get(0) + counts.get(1) + counts.get(2) + counts.get(3));
    }

    @Override
    public int recoverExpiredLeases(List<String> queues, int maxLeaseExpiries) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::started, RedisKeys::queue, RedisKeys::wake,
                RedisKeys::failed, RedisKeys::canceled);
        List<Long> counts = RedisFailures.guard("recover expired leases", () -> scripts.run("recoverExpired",
                ScriptOutputType.MULTI, keys, RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(now()),
                RqFormat.utf8(Integer.toString(maxLeaseExpiries)),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)), POISON,
                RqFormat.utf8(Integer.toString(BATCH))));
        logRecovery(counts.get(0), counts.get(1), counts.get(2), maxLeaseExpiries);
        return (int) (counts.get(0) + counts.get(1) + counts.get(2));
    }

    private static void logRecovery(long recovered, long failed, long canceled, int maxLeaseExpiries) {
        if (recovered + failed + canceled > 0) {
            LOG.warning("expired leases: " + recovered + " job(s) requeued, " + failed
                    + " failed after " + maxLeaseExpiries + " expiries, " + canceled + " canceled");
        }
    }

    @Override
    public int pruneRegistries(List<String> queues) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::finished, RedisKeys::failed, RedisKeys::canceled);
        Long removed = RedisFailures.guard("prune registries", () -> scripts.run("pruneRegistries",
                ScriptOutputType.INTEGER, keys, RqFormat.utf8(Long.toString(CANCELED_RETENTION_SECONDS))));
        return removed == null ? 0 : removed.intValue();
    }

    @Override
    public int promoteDueJobs(List<String> queues) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::scheduled, RedisKeys::queue, RedisKeys::wake);
        Long promoted = RedisFailures.guard("promote due jobs", () -> scripts.run("promoteDue",
                ScriptOutputType.INTEGER, keys, RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(now()),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)), RqFormat.utf8(Integer.toString(BATCH))));
        return promoted == null ? 0 : promoted.intValue();
    }

    private String now() {
        return RqFormat.timestamp(clock.instant());
    }
}
