package dev.switchboard.adapters.redis;

import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./switchboard bench} needs beyond the ports: a baseline of plain round trips to the
 * same server, and removing a benchmark queue with everything in it.
 */
public final class RedisBenchmarkSupport {
    private final RedisConnections redis;

    public RedisBenchmarkSupport(RedisConnections redis) {
        this.redis = redis;
    }

    /** Sequential RPUSH round trips per second on the shared connection: the floor of any job operation. */
    public double rpushPerSecond(int operations) {
        String key = "switchboard:bench:baseline";
        byte[] value = RqFormat.utf8("x");
        RedisCommands<String, byte[]> r = redis.commands();
        r.del(key);
        long start = System.nanoTime();
        for (int i = 0; i < operations; i++) {
            r.rpush(key, value);
        }
        double perSecond = operations / ((System.nanoTime() - start) / 1e9);
        r.del(key);
        return perSecond;
    }

    /**
     * Commands Redis has executed since its stats were last reset: the sum of every {@code calls=}
     * in {@code INFO commandstats}, counting commands run inside scripts (as Redis does). The
     * difference over a run, divided by its jobs, is the run's Redis commands per job.
     */
    public long commandsExecuted() {
        String info = redis.commands().info("commandstats");
        long total = 0;
        for (String line : info.split("\\r?\\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) {
                int end = line.indexOf(',', at);
                total += Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end));
            }
        }
        return total;
    }

    private static final List<String> STATES = List.of("queued", "started", "scheduled", "finished", "failed", "canceled");

    /**
     * Deletes every job of {@code businessId} in {@code queues} (hash, results, dedupe key,
     * registry and index entries), found through the per-business index, then drops the deleted
     * ids from the queue lists, and the business's rate-limit bucket. For the benchmarks' reserved
     * business: never a tenant's data. Returns the number of jobs deleted.
     */
    public long purgeBusiness(String businessId, List<String> queues) {
        List<String> keys = new ArrayList<>();
        for (String queue : queues) {
            keys.addAll(List.of(RedisKeys.queue(queue), RedisKeys.started(queue), RedisKeys.scheduled(queue),
                    RedisKeys.finished(queue), RedisKeys.failed(queue), RedisKeys.canceled(queue)));
            for (String state : STATES) {
                keys.add(RedisKeys.jobIndex(businessId, queue, state));
            }
        }
        RedisScripts scripts = redis.scripts();
        long total = 0;
        while (true) {
            Long deleted = RedisFailures.guard("purge business", () -> scripts.run("purgeBusiness",
                    io.lettuce.core.ScriptOutputType.INTEGER, keys.toArray(String[]::new),
                    RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(RedisKeys.results("")),
                    RqFormat.utf8(RedisKeys.dedupe("")), RqFormat.utf8("2000")));
            if (deleted == 0) {
                break;
            }
            total += deleted;
        }
        for (String queue : queues) {
            RedisFailures.guard("compact queue", () -> scripts.run("compactQueue-1",
                    io.lettuce.core.ScriptOutputType.INTEGER, new String[] {RedisKeys.queue(queue)},
                    RqFormat.utf8(RedisKeys.JOB_PREFIX)));
        }
        redis.commands().del(RedisKeys.rate(businessId));
        return total;
    }

    /** Deletes a queue, its registries, its jobs and their results. */
    public void purgeQueue(String queue) {
        RedisCommands<String, byte[]> r = redis.commands();
        List<String> jobIds = new ArrayList<>();
        r.lrange(RedisKeys.queue(queue), 0, -1).forEach(id -> jobIds.add(RqFormat.text(id)));
        for (String registry : List.of(RedisKeys.started(queue), RedisKeys.finished(queue), RedisKeys.failed(queue),
                RedisKeys.scheduled(queue), RedisKeys.canceled(queue))) {
            r.zrange(registry, 0, -1).forEach(id -> jobIds.add(RqFormat.text(id)));
        }
        for (int from = 0; from < jobIds.size(); from += 500) {
            List<String> keys = new ArrayList<>();
            for (String id : jobIds.subList(from, Math.min(jobIds.size(), from + 500))) {
                keys.add(RedisKeys.job(id));
                keys.add(RedisKeys.results(id));
            }
            r.del(keys.toArray(String[]::new));
        }
        r.del(RedisKeys.queue(queue), RedisKeys.started(queue), RedisKeys.finished(queue), RedisKeys.failed(queue),
                RedisKeys.scheduled(queue), RedisKeys.canceled(queue), RedisKeys.wake(queue));
        r.srem(RedisKeys.QUEUES, RqFormat.utf8(RedisKeys.queue(queue)));
    }
}
