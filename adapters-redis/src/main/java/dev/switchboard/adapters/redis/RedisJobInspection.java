package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobPage;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.QueueStats;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link JobInspection} on Redis. Listings read python-rq's queue list and registries; a
 * business-scoped listing filters by each job's {@code business_id} (linear in the registry's
 * size, which TTLs keep bounded).
 */
public final class RedisJobInspection implements JobInspection {
    private static final int SCAN_CHUNK = 500;

    private final RedisConnections redis;
    private final Clock clock;

    public RedisJobInspection(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The job's owner is read (one small field) and checked before anything else of the job is
     * read or decoded: another business's job costs what a missing one costs.
     */
    @Override
    public Optional<JobView> find(BusinessScope scope, String jobId) {
        return RedisFailures.guard("find job", () -> {
            RedisCommands<String, byte[]> r = redis.commands();
            if (scope.businessId().isPresent()) {
                byte[] owner = r.hget(RedisKeys.job(jobId), "business_id");
                if (owner == null || !scope.includes(RqFormat.text(owner))) {
                    return Optional.<JobView>empty();
                }
            }
            return RedisJobViews.read(r, jobId).filter(view -> scope.includes(view.businessId()));
        });
    }

    @Override
    public JobPage list(BusinessScope scope, JobStatus state, String queue, int offset, int limit) {
        return RedisFailures.guard("list jobs", () -> {
            RedisCommands<String, byte[]> r = redis.commands();
            List<String> ids = new ArrayList<>();
            long total = 0;
            long position = 0;
            while (true) {
                List<String> chunk = ids(r, state, queue, position, position + SCAN_CHUNK - 1);
                if (chunk.isEmpty()) {
                    break;
                }
                List<String> visible = visible(r, scope, chunk);
                for (String id : visible) {
                    if (total >= offset && ids.size() < limit) {
                        ids.add(id);
                    }
                    total++;
                }
                position += SCAN_CHUNK;
            }
            List<JobView> jobs = new ArrayList<>();
            for (String id : ids) {
                RedisJobViews.read(r, id).ifPresent(jobs::add);
            }
            return new JobPage(jobs, total, offset, limit);
        });
    }

    private static List<String> visible(RedisCommands<String, byte[]> r, BusinessScope scope, List<String> ids) {
        if (scope.businessId().isEmpty()) {
            return ids;
        }
        List<String> visible = new ArrayList<>();
        for (String id : ids) {
            byte[] business = r.hget(RedisKeys.job(id), "business_id");
            if (business != null && scope.includes(RqFormat.text(business))) {
                visible.add(id);
            }
        }
        return visible;
    }

    private static List<String> ids(RedisCommands<String, byte[]> r, JobStatus state, String queue, long from, long to) {
        List<byte[]> raw = switch (state) {
            case QUEUED -> r.lrange(RedisKeys.queue(queue), from, to);
            case STARTED -> r.zrange(RedisKeys.started(queue), from, to);
            case SCHEDULED -> r.zrange(RedisKeys.scheduled(queue), from, to);
            case FAILED -> r.zrange(RedisKeys.failed(queue), from, to);
            case FINISHED -> r.zrange(RedisKeys.finished(queue), from, to);
            case CANCELED -> r.zrange(RedisKeys.canceled(queue), from, to);
            case DEFERRED, STOPPED -> List.of();
        };
        return raw.stream().map(RqFormat::text).toList();
    }

    @Override
    public List<QueueStats> stats(List<String> queues) {
        return RedisFailures.guard("queue stats", () -> {
            RedisCommands<String, byte[]> r = redis.commands();
            Instant now = clock.instant();
            List<QueueStats> stats = new ArrayList<>();
            for (String q : queues) {
                Optional<Duration> oldest = Optional.ofNullable(r.lindex(RedisKeys.queue(q), 0))
                        .map(id -> r.hget(RedisKeys.job(RqFormat.text(id)), "enqueued_at"))
                        .flatMap(ts -> RedisJobViews.parseTime(RqFormat.text(ts)))
                        .map(enqueued -> Duration.between(enqueued, now))
                        .map(age -> age.isNegative() ? Duration.ZERO : age);
                stats.add(new QueueStats(q, r.llen(RedisKeys.queue(q)), r.zcard(RedisKeys.started(q)),
                        r.zcard(RedisKeys.scheduled(q)), r.zcard(RedisKeys.finished(q)), r.zcard(RedisKeys.failed(q)),
                        r.zcard(RedisKeys.canceled(q)), oldest));
            }
            return stats;
        });
    }

    @Override
    public List<String> knownQueues() {
        return RedisFailures.guard("known queues", () -> redis.commands().smembers(RedisKeys.QUEUES).stream()
                .map(RqFormat::text)
                .filter(key -> key.startsWith(RedisKeys.queue("")))
                .map(key -> key.substring(RedisKeys.queue("").length()))
                .sorted()
                .toList());
    }
}
