package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStatistics;
import dev.switchboard.ports.out.JobsOverview;
import dev.switchboard.ports.out.QueueStats;
import dev.switchboard.ports.out.SchedulerStatus;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link JobsOverview} on Redis: one call of {@code readOverview.lua}, which reads the queues'
 * lengths and registries, the scheduler's keys, the job names' statistics hashes and python-rq's
 * worker registry, and returns them together.
 */
public final class RedisJobsOverview implements JobsOverview {
    /** Workers described per reading; {@link Overview#workerCount()} still counts them all. */
    static final int MOST_WORKERS = 200;
    /** Job names read per reading (the catalogue has a few dozen). */
    static final int MOST_JOB_NAMES = 500;

    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobsOverview(RedisConnections redis, Clock clock) {
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Overview read(List<String> queues) {
        List<String> keys = new ArrayList<>(List.of(RedisKeys.schedulerLock(), RedisKeys.schedulerLastTick(),
                RedisKeys.WORKERS, RedisKeys.STATS_JOBS));
        keys.addAll(Arrays.asList(RedisKeys.perQueue(queues, RedisKeys::queue, RedisKeys::started,
                RedisKeys::scheduled, RedisKeys::finished, RedisKeys::failed, RedisKeys::canceled)));
        List<Object> reply = RedisFailures.guard("read the jobs overview", () -> scripts.run("readOverview",
                ScriptOutputType.MULTI, keys.toArray(String[]::new), RqFormat.utf8(Integer.toString(queues.size())),
                RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(Integer.toString(MOST_WORKERS)),
                RqFormat.utf8(Integer.toString(MOST_JOB_NAMES))));
        Instant at = clock.instant();
        return new Overview(at, queueStats(queues, list(reply.get(2)), at), scheduler(list(reply.get(1))),
                jobStats(list(reply.get(3))), (Long) list(reply.get(4)).get(0), workers(list(reply.get(4))));
    }

    private static List<QueueStats> queueStats(List<String> queues, List<Object> counts, Instant now) {
        List<QueueStats> stats = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            int k = 7 * i;
            Optional<Duration> oldest = RedisJobViews.parseTime(text(counts.get(k + 6)))
                    .map(enqueued -> Duration.between(enqueued, now))
                    .map(age -> age.isNegative() ? Duration.ZERO : age);
            stats.add(new QueueStats(queues.get(i), (Long) counts.get(k), (Long) counts.get(k + 1),
                    (Long) counts.get(k + 2), (Long) counts.get(k + 3), (Long) counts.get(k + 4),
                    (Long) counts.get(k + 5), oldest));
        }
        return stats;
    }

    private static SchedulerStatus.Snapshot scheduler(List<Object> values) {
        String owner = text(values.get(1));
        long pttl = (Long) values.get(2);
        return new SchedulerStatus.Snapshot(RedisSchedulerTicks.parse(text(values.get(0))),
                owner.isEmpty() ? Optional.empty() : Optional.of(owner),
                pttl >= 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty());
    }

    private static Map<String, JobStatistics.JobTypeStats> jobStats(List<Object> keysAndHashes) {
        Map<String, JobStatistics.JobTypeStats> stats = new java.util.TreeMap<>();
        for (int i = 0; i + 1 < keysAndHashes.size(); i += 2) {
            String name = RedisKeys.jobNameOfStats(text(keysAndHashes.get(i)));
            List<Object> flat = list(keysAndHashes.get(i + 1));
            Map<String, byte[]> hash = new HashMap<>();
            for (int f = 0; f + 1 < flat.size(); f += 2) {
                hash.put(text(flat.get(f)), (byte[]) flat.get(f + 1));
            }
            stats.put(name, RedisJobStatistics.typeStats(name, hash));
        }
        return stats;
    }

    private static final int WORKER_FIELDS = 12;

    private static List<Worker> workers(List<Object> values) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 1; i + WORKER_FIELDS - 1 < values.size(); i += WORKER_FIELDS) {
            String key = text(values.get(i));
            String name = key.startsWith("rq:worker:") ? key.substring("rq:worker:".length()) : key;
            String currentJob = text(values.get(i + 4));
            String description = text(values.get(i + 11));
            Optional<JobsOverview.CurrentJob> job = currentJob.isEmpty() ? Optional.empty()
                    : Optional.of(new CurrentJob(currentJob, jobName(description), text(values.get(i + 10))));
            Optional<Instant> since = job.isPresent() ? RedisJobViews.parseTime(text(values.get(i + 9)))
                    : RedisJobViews.parseTime(text(values.get(i + 5)));
            String queues = text(values.get(i + 2));
            workers.add(new Worker(name, text(values.get(i + 1)),
                    queues.isEmpty() ? List.of() : List.of(queues.split(",")), "busy".equals(text(values.get(i + 3))),
                    job, since, RedisJobViews.parseTime(text(values.get(i + 6))), number(values.get(i + 7)),
                    number(values.get(i + 8))));
        }
        workers.sort(java.util.Comparator.comparing(Worker::name));
        return workers;
    }

    /** The job name from the description enqueue writes ({@code <name>(business_id=...)}). */
    private static String jobName(String description) {
        int paren = description.indexOf('(');
        return paren < 0 ? description : description.substring(0, paren);
    }

    private static long number(Object value) {
        try {
            return Long.parseLong(text(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? RqFormat.text(bytes) : value == null ? "" : value.toString();
    }
}
