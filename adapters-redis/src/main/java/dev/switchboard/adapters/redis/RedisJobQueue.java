package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * {@link JobQueue} on Redis, writing python-rq's job hash (JSON serializer format) and queue
 * list in one script call, with the dedupe key taken in the same call; a chunk of jobs in one
 * call too.
 */
public final class RedisJobQueue implements JobQueue {
    private static final Logger LOG = Logger.getLogger(RedisJobQueue.class.getName());
    /** Wake tokens only need to outnumber idle workers; more would be wasted wake-ups. */
    static final int MAX_WAKE_TOKENS = 1024;
    /** A run's index outlives its jobs' failure TTL by a day, so cancel-by-run finds them all. */
    private static final long RUN_INDEX_SLACK_SECONDS = 86_400;

    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobQueue(RedisConnections redis, Clock clock) {
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public EnqueueResult enqueue(JobRequest request) {
        return enqueueAll(List.of(request)).get(0);
    }

    /** One script call for the whole chunk (see enqueue.lua); callers chunk to about a thousand. */
    @Override
    public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<String> keys = new ArrayList<>(1 + 5 * requests.size());
        List<byte[]> args = new ArrayList<>(1 + 40 * requests.size());
        keys.add(RedisKeys.QUEUES);
        args.add(RqFormat.utf8(Integer.toString(MAX_WAKE_TOKENS)));
        for (JobRequest request : requests) {
            String id = request.jobId().orElseGet(() -> UUID.randomUUID().toString());
            keys.add(RedisKeys.job(id));
            keys.add(RedisKeys.queue(request.queue()));
            keys.add(RedisKeys.wake(request.queue()));
            keys.add(request.dedupe().map(d -> RedisKeys.dedupe(d.key())).orElse(RedisKeys.dedupe("")));
            keys.add(request.runId().map(run -> RedisKeys.run(request.businessId(), run)).orElse(RedisKeys.run("", "")));
            long runTtl = request.runId().isPresent() ? seconds(request.failureTtl()) + RUN_INDEX_SLACK_SECONDS : 0;
            args.add(RqFormat.utf8(id));
            args.add(RqFormat.utf8(request.dedupe().map(d -> Long.toString(d.ttl().toMillis())).orElse("0")));
            args.add(RqFormat.utf8(Long.toString(runTtl)));
            // A random id cannot exist already: skip the check (one command less per job).
            args.add(RqFormat.utf8(request.jobId().isPresent() ? "1" : "0"));
            List<byte[]> fields = new ArrayList<>(40);
            jobHash(id, request, now, fields);
            args.add(RqFormat.utf8(Integer.toString(fields.size() / 2)));
            args.addAll(fields);
        }
        List<Object> reply = RedisFailures.guard("enqueue", () -> scripts.run("enqueue", ScriptOutputType.MULTI,
                keys.toArray(String[]::new), args.toArray(byte[][]::new)));
        List<EnqueueResult> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            JobRequest request = requests.get(i);
            boolean created = ((Long) reply.get(2 * i)) == 1L;
            String jobId = RqFormat.text((byte[]) reply.get(2 * i + 1));
            LOG.fine(() -> (created ? "Enqueued " : "Duplicate ") + request.name() + " job_id=" + jobId
                    + " queue=" + request.queue() + " business_id=" + request.businessId()
                    + " trace_id=" + request.traceId());
            results.add(created ? new EnqueueResult.Enqueued(jobId) : new EnqueueResult.Duplicate(jobId));
        }
        return results;
    }

    /** The fields python-rq 1.13 and 2.x read, plus Switchboard's own (ignored by rq). */
    private static void jobHash(String id, JobRequest request, Instant now, List<byte[]> out) {
        String ts = RqFormat.timestamp(now);
        field(out, "status", "queued");
        field(out, "created_at", ts);
        field(out, "enqueued_at", ts);
        out.add(RqFormat.utf8("data"));
        out.add(RqFormat.encodeData(request.name(), request.kwargs()));
        field(out, "origin", request.queue());
        field(out, "description", request.name() + "(business_id=" + request.businessId() + ")");
        field(out, "timeout", Long.toString(seconds(request.timeout())));
        field(out, "result_ttl", Long.toString(seconds(request.resultTtl())));
        field(out, "failure_ttl", Long.toString(seconds(request.failureTtl())));
        field(out, "started_at", "");
        field(out, "ended_at", "");
        field(out, "last_heartbeat", "");
        field(out, "worker_name", "");
        field(out, "success_callback_name", "");
        field(out, "failure_callback_name", "");
        if (request.retry().max() > 0) {
            field(out, "retries_left", Integer.toString(request.retry().max()));
            field(out, "retry_max", Integer.toString(request.retry().max()));
            field(out, "retry_intervals", request.retry().intervals().stream()
                    .map(d -> Long.toString(seconds(d))).toList().toString());
        }
        field(out, "business_id", request.businessId());
        field(out, "trace_id", request.traceId());
        field(out, "attempts", "0");
        field(out, "progress", "0");
        request.runId().ifPresent(run -> field(out, "run_id", run));
        request.dedupe().ifPresent(d -> field(out, "dedupe_key", d.key()));
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private static void field(List<byte[]> out, String name, String value) {
        out.add(RqFormat.utf8(name));
        out.add(RqFormat.utf8(value));
    }
}
