package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobPage;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.QueueStats;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link JobInspection} on Redis. The operators' listing (all businesses) reads python-rq's queue
 * list and registries; a business's listing reads the per-business index the job scripts keep
 * ({@code switchboard:jobs:<business>:<q>:<state>}), so it costs its page, however large the
 * registries are with other businesses' jobs.
 */
public final class RedisJobInspection implements JobInspection {
    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobInspection(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
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
        if (scope.businessId().isPresent()) {
            return listIndexed(scope.businessId().get(), state, queue, offset, limit);
        }
        return RedisFailures.guard("list jobs", () -> {
            RedisCommands<String, byte[]> r = redis.commands();
            long total = switch (state) {
                case QUEUED -> r.llen(RedisKeys.queue(queue));
                case DEFERRED, STOPPED -> 0;
                default -> r.zcard(registry(state, queue));
            };
            List<String> ids = limit == 0 || offset >= total ? List.of() : ids(r, state, queue, offset, offset + limit - 1L);
            List<JobView> jobs = new ArrayList<>();
            for (String id : ids) {
                RedisJobViews.read(r, id).ifPresent(jobs::add);
            }
            return new JobPage(jobs, total, offset, limit);
        });
    }

    /**
     * One business's page from its index: one script call for the total and the page's ids, then
     * the page's jobs. A job that moved on between the two reads (or whose state python-rq's own
     * tools changed) is left out of the page rather than shown in the wrong state.
     */
    private JobPage listIndexed(String businessId, JobStatus state, String queue, int offset, int limit) {
        String drop = switch (state) {
            case FINISHED, FAILED -> "0";
            case CANCELED -> Long.toString(RedisJobMaintenance.CANCELED_RETENTION_SECONDS);
            default -> "";
        };
        return RedisFailures.guard("list jobs", () -> {
            if (state == JobStatus.DEFERRED || state == JobStatus.STOPPED) {
                return new JobPage(List.of(), 0, offset, limit);
            }
            List<Object> reply = scripts.run("listIndexed-1", ScriptOutputType.MULTI,
                    new String[] {RedisKeys.jobIndex(businessId, queue, state.id())}, RqFormat.utf8(drop),
                    RqFormat.utf8(Integer.toString(offset)), RqFormat.utf8(Integer.toString(limit)));
            long total = (Long) reply.get(0);
            RedisCommands<String, byte[]> r = redis.commands();
            List<JobView> jobs = new ArrayList<>();
            for (Object raw : reply.subList(1, reply.size())) {
                RedisJobViews.read(r, RqFormat.text((byte[]) raw))
                        .filter(view -> view.businessId().equals(businessId) && view.status() == state)
                        .ifPresent(jobs::add);
            }
            return new JobPage(jobs, total, offset, limit);
        });
    }

    private static String registry(JobStatus state, String queue) {
        return switch (state) {
            case STARTED -> RedisKeys.started(queue);
            case SCHEDULED -> RedisKeys.scheduled(queue);
            case FAILED -> RedisKeys.failed(queue);
            case FINISHED -> RedisKeys.finished(queue);
            case CANCELED -> RedisKeys.canceled(queue);
            default -> throw new IllegalArgumentException("no registry for " + state);
        };
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
