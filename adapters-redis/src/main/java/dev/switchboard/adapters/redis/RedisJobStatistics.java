package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStatistics;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link JobStatistics} on Redis: reads what the settling scripts (complete.lua, fail.lua)
 * record, one HGETALL per job name plus the timeline, pipelined in one round trip. The window is
 * measured on Redis's clock ({@code TIME}, in the same pipeline), the clock that stamped it.
 */
public final class RedisJobStatistics implements JobStatistics {
    private static final Duration MAX_WINDOW = Duration.ofSeconds(RedisJobMaintenance.TIMELINE_SECONDS);

    private final RedisConnections redis;

    public RedisJobStatistics(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public Snapshot read(Collection<String> jobNames, Duration window) {
        List<String> names = List.copyOf(jobNames);
        return RedisFailures.guard("read job statistics", () -> {
            RedisAsyncCommands<String, byte[]> async = redis.asyncCommands();
            List<Future<Map<String, byte[]>>> perName = new ArrayList<>();
            for (String name : names) {
                perName.add(async.hgetall(RedisKeys.stats(name)));
            }
            Future<Map<String, byte[]>> timeline = async.hgetall(RedisKeys.STATS_TIMELINE);
            Future<List<byte[]>> time = async.time();
            async.getStatefulConnection().flushCommands();
            Map<String, JobTypeStats> byName = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), typeStats(names.get(i), get(perName.get(i))));
            }
            long now = Long.parseLong(RqFormat.text(get(time).get(0)));
            long span = Math.min(Math.max(0, window.toSeconds()), MAX_WINDOW.toSeconds());
            return new Snapshot(byName, seconds(get(timeline), now - span));
        });
    }

    @Override
    public List<Second> timeline(String jobName, Duration window) {
        return RedisFailures.guard("read job timeline", () -> {
            RedisAsyncCommands<String, byte[]> async = redis.asyncCommands();
            long span = Math.min(Math.max(0, window.toSeconds()), MAX_WINDOW.toSeconds());
            // The minutes are chosen by this process's clock, a minute wider on each side, so that
            // Redis's clock (which stamped them, read in the same pipeline) needs no round trip of its own.
            long local = System.currentTimeMillis() / 1000;
            Future<List<byte[]>> time = async.time();
            List<Future<Map<String, byte[]>>> minutes = new ArrayList<>();
            for (long minute = (local - span) / 60 - 1; minute <= local / 60 + 1; minute++) {
                minutes.add(async.hgetall(RedisKeys.statsMinute(jobName, minute)));
            }
            async.getStatefulConnection().flushCommands();
            long now = Long.parseLong(RqFormat.text(get(time).get(0)));
            Map<String, byte[]> all = new java.util.HashMap<>();
            for (Future<Map<String, byte[]>> minute : minutes) {
                all.putAll(get(minute));
            }
            return seconds(all, now - span).stream().filter(second -> second.at().getEpochSecond() <= now).toList();
        });
    }

    static JobTypeStats typeStats(String name, Map<String, byte[]> hash) {
        List<Long> buckets = new ArrayList<>();
        long processed = 0;
        for (Duration bound : BUCKETS) {
            long count = number(hash.get("le_" + bound.toMillis()));
            buckets.add(count);
            processed += count;
        }
        long unbounded = number(hash.get("le_inf"));
        buckets.add(unbounded);
        processed += unbounded;
        return new JobTypeStats(name, processed, number(hash.get("failed")), buckets, number(hash.get("sum_ms")));
    }

    private static List<Second> seconds(Map<String, byte[]> hash, long from) {
        TreeMap<Long, long[]> bySecond = new TreeMap<>();
        for (Map.Entry<String, byte[]> field : hash.entrySet()) {
            String key = field.getKey();
            int colon = key.indexOf(':');
            if (colon < 0) {
                continue;
            }
            long second;
            try {
                second = Long.parseLong(key.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (second < from) {
                continue;
            }
            long[] counts = bySecond.computeIfAbsent(second, s -> new long[2]);
            counts[key.startsWith("f") ? 1 : 0] += number(field.getValue());
        }
        List<Second> out = new ArrayList<>(bySecond.size());
        bySecond.forEach((second, counts) -> out.add(new Second(Instant.ofEpochSecond(second), counts[0], counts[1])));
        return out;
    }

    private static long number(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(RqFormat.text(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get(RedisConnections.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.lettuce.core.RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new io.lettuce.core.RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new io.lettuce.core.RedisCommandTimeoutException(e.getMessage());
        }
    }
}
