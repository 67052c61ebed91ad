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
