package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobCancelledException;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.out.Settlement;
import io.lettuce.core.ScriptOutputType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link JobClaims} on Redis: atomic claim with a lease token, fenced settlement, and blocking
 * waits on wake-up tokens (a dedicated connection) instead of polling.
 */
public final class RedisJobClaims implements JobClaims {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RedisJobClaims.class.getName());
    /** What python-rq's timeout -1 ("infinite") becomes. */
    static final Duration NO_TIMEOUT = Duration.ofDays(365);
    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobClaims(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<ClaimedJob> claim(String workerName, List<String> queues, Duration lease, int max) {
        String[] keys = RedisKeys.perQueue(queues, RedisKeys::queue, RedisKeys::started, RedisKeys::wake);
        Instant now = clock.instant();
        String tokenPrefix = UUID.randomUUID().toString();
        List<Object> reply = RedisFailures.guard("claim", () -> scripts.run("claim", ScriptOutputType.MULTI, keys,
                RqFormat.utf8(RedisKeys.JOB_PREFIX), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(Double.toString(lease.toMillis() / 1000.0)), RqFormat.utf8(tokenPrefix),
                RqFormat.utf8(workerName), RqFormat.utf8(RqFormat.timestamp(now)),
                RqFormat.utf8(Integer.toString(Math.max(1, max)))));
        List<ClaimedJob> jobs = new java.util.ArrayList<>(reply.size() / 3);
        for (int k = 0; k + 2 < reply.size(); k += 3) {
            String queue = queues.get(((Long) reply.get(k)).intValue() - 1);
            String id = RqFormat.text((byte[]) reply.get(k + 1));
            @SuppressWarnings("unchecked")
            List<Object> flat = (List<Object>) reply.get(k + 2);
            Map<String, byte[]> hash = new HashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                hash.put(RqFormat.text((byte[]) flat.get(i)), (byte[]) flat.get(i + 1));
            }
            String token = textOr(hash, "lease_token", "");
            try {
                RqFormat.JobData data = RqFormat.decodeData(hash.get("data"));
                jobs.add(new ClaimedJob(id, data.jobName(), queue, data.kwargs(),
                        textOr(hash, "business_id", ""), textOr(hash, "trace_id", ""),
                        Optional.ofNullable(RqFormat.text(hash.get("run_id"))), token,
                        Integer.parseInt(textOr(hash, "attempts", "1")), timeout(textOr(hash, "timeout", "180"))));
            } catch (RuntimeException e) {
                // One undecodable job (a foreign producer, a pickled payload) must not strand the
                // rest of the batch: fail it now, with its own token, and hand out the others.
                ClaimedJob broken = new ClaimedJob(id, "unknown", queue, Map.of(), textOr(hash, "business_id", ""),
                        textOr(hash, "trace_id", ""), Optional.empty(), token, 1, Duration.ofSeconds(1));
                LOG.warning("claimed job " + id + " cannot be read; failing it: " + e.getMessage());
                fail(broken, "undecodable job: " + e.getMessage(), "");
            }
        }
        return jobs;
    }

    @Override
    public void awaitWork(List<String> queues, Duration maxWait) {
        String[] keys = queues.stream().map(RedisKeys::wake).toArray(String[]::new);
        double seconds = Math.min(maxWait.toMillis(), RedisConnections.COMMAND_TIMEOUT.toMillis() / 2) / 1000.0;
        RedisFailures.guard("wait for work", () -> redis.blockingCommands().blpop(seconds, keys));
    }

    @Override
    public Settlement complete(ClaimedJob job, Object result) {
        Instant now = clock.instant();
        Long code = RedisFailures.guard("complete", () -> scripts.run("complete-4", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                        RedisKeys.finished(job.queue()), RedisKeys.results(job.id())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(RqFormat.timestamp(now)),
                RqFormat.utf8(result == null ? "" : RqFormat.base64Json(result))));
        return settlement(code);
    }

    @Override
    public Settlement fail(ClaimedJob job, String error, String stackTrace) {
        Instant now = clock.instant();
        byte[] excInfo = RqFormat.deflate((stackTrace == null || stackTrace.isEmpty() ? error : stackTrace)
                .getBytes(StandardCharsets.UTF_8));
        Long code = RedisFailures.guard("fail", () -> scripts.run("fail-8", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                        RedisKeys.failed(job.queue()), RedisKeys.scheduled(job.queue()),
                        RedisKeys.results(job.id()), RedisKeys.queue(job.queue()), RedisKeys.wake(job.queue()),
                        RedisKeys.canceled(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(RqFormat.timestamp(now)),
                RqFormat.utf8(Base64.getEncoder().encodeToString(excInfo)), excInfo,
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS))));
        return settlement(code);
    }

    @Override
    public Settlement release(ClaimedJob job) {
        Instant now = clock.instant();
        Long code = RedisFailures.guard("release", () -> scripts.run("release-5", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                        RedisKeys.queue(job.queue()), RedisKeys.wake(job.queue()), RedisKeys.canceled(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()),
                RqFormat.utf8(RqFormat.timestamp(now)),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)), RqFormat.utf8(RqFormat.score(now))));
        return settlement(code);
    }

    @Override
    public Heartbeat heartbeat(ClaimedJob job, Duration lease) {
        Instant now = clock.instant();
        Long code = RedisFailures.guard("heartbeat", () -> scripts.run("heartbeat-2", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()),
                RqFormat.utf8(RqFormat.score(now.plus(lease))), RqFormat.utf8(RqFormat.timestamp(now))));
        if (code == null || code < 0) {
            return Heartbeat.LEASE_LOST;
        }
        return code == 2 ? Heartbeat.CANCEL_REQUESTED : Heartbeat.EXTENDED;
    }

    @Override
    public Settlement progress(ClaimedJob job, int percent, String message) {
        Long code = RedisFailures.guard("progress", () -> scripts.run("progress-1", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id())},
                RqFormat.utf8(job.leaseToken()), RqFormat.utf8(Integer.toString(percent)),
                RqFormat.utf8(message == null ? "" : message)));
        if (code != null && code == 2) {
            throw new JobCancelledException(job.id());
        }
        return settlement(code);
    }

    @Override
    public Settlement canceled(ClaimedJob job) {
        Instant now = clock.instant();
        Long code = RedisFailures.guard("cancel", () -> scripts.run("canceled-3", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()), RedisKeys.canceled(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()), RqFormat.utf8(RqFormat.score(now)),
                RqFormat.utf8(RqFormat.timestamp(now))));
        return settlement(code);
    }

    /** python-rq's timeout in seconds; -1 (or any non-positive value) means no timeout. */
    private static Duration timeout(String seconds) {
        try {
            long value = Long.parseLong(seconds.trim());
            return value > 0 ? Duration.ofSeconds(value) : NO_TIMEOUT;
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(180);
        }
    }

    private static Settlement settlement(Long code) {
        return code != null && code > 0 ? Settlement.APPLIED : Settlement.LEASE_LOST;
    }

    private static String textOr(Map<String, byte[]> hash, String field, String fallback) {
        byte[] value = hash.get(field);
        return value == null || value.length == 0 ? fallback : RqFormat.text(value);
    }

}
