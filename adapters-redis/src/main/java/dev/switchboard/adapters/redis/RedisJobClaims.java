package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.ClaimRequest;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobCancelledException;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.out.Settled;
import dev.switchboard.ports.out.Settlement;
import io.lettuce.core.ScriptOutputType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@link JobClaims} on Redis: atomic, idempotent claims with a lease token; fenced settlement
 * that claims the next job in the same call; one heartbeat call for all of a worker's jobs; and
 * blocking waits on wake-up tokens (a dedicated connection) instead of polling. Lease deadlines
 * come from Redis's clock ({@code TIME} inside the scripts); the injected clock only writes the
 * human-readable timestamps python-rq shows.
 */
public final class RedisJobClaims implements JobClaims {
    private static final Logger LOG = Logger.getLogger(RedisJobClaims.class.getName());
    /** What python-rq's timeout -1 ("infinite") becomes. */
    static final Duration NO_TIMEOUT = Duration.ofDays(365);
    /** Most unclaimable ids (canceled, gone, still leased) one claim call drops before it returns. */
    static final int MAX_STALE_PER_CLAIM = 1000;
    /** Fields after queue index, id and token in a claim reply (CLAIM_FIELDS in lib/common.lua). */
    private static final int PER_JOB = 9;

    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisJobClaims(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<ClaimedJob> claim(ClaimRequest request) {
        List<String> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        claimKeysAndArgs(request, keys, args, now());
        List<Object> reply = RedisFailures.guard("claim", () -> scripts.run("claim", ScriptOutputType.MULTI,
                keys.toArray(String[]::new), args.toArray(byte[][]::new)));
        return jobs(request, reply, 0);
    }

    private static void claimKeysAndArgs(ClaimRequest request, List<String> keys, List<byte[]> args, String now) {
        keys.add(RedisKeys.claim(request.claimId()));
        keys.addAll(List.of(RedisKeys.perQueue(request.queues(), RedisKeys::queue, RedisKeys::started, RedisKeys::wake)));
        args.add(RqFormat.utf8(RedisKeys.JOB_PREFIX));
        args.add(RqFormat.utf8(Long.toString(request.lease().toMillis())));
        args.add(RqFormat.utf8(request.claimId()));
        args.add(RqFormat.utf8(request.workerName()));
        if (now != null) {
            args.add(RqFormat.utf8(now));
        }
        args.add(RqFormat.utf8(Integer.toString(request.max())));
        args.add(RqFormat.utf8(Integer.toString(MAX_STALE_PER_CLAIM)));
    }

    /** Decodes claim_jobs' reply (lib/common.lua), starting at {@code from}. */
    private List<ClaimedJob> jobs(ClaimRequest request, List<Object> reply, int from) {
        List<ClaimedJob> jobs = new ArrayList<>();
        for (int k = from; k + PER_JOB - 1 < reply.size(); k += PER_JOB) {
            String queue = request.queues().get(((Long) reply.get(k)).intValue() - 1);
            String id = RqFormat.text((byte[]) reply.get(k + 1));
            String token = RqFormat.text((byte[]) reply.get(k + 2));
            String business = textOr(reply.get(k + 4), "");
            String trace = textOr(reply.get(k + 5), "");
            try {
                RqFormat.JobData data = RqFormat.decodeData((byte[]) reply.get(k + 3));
                jobs.add(new ClaimedJob(id, data.jobName(), queue, data.kwargs(), business, trace,
                        Optional.ofNullable(RqFormat.text((byte[]) reply.get(k + 6))), token,
                        Integer.parseInt(textOr(reply.get(k + 8), "1")), timeout(textOr(reply.get(k + 7), "180"))));
            } catch (RuntimeException e) {
                // One undecodable job (a foreign producer, a pickled payload) must not strand the
                // rest of the batch: fail it now, with its own token, and hand out the others.
                ClaimedJob broken = new ClaimedJob(id, "unknown", queue, Map.of(), business, trace, Optional.empty(),
                        token, 1, Duration.ofSeconds(1));
                LOG.warning("claimed job " + id + " cannot be read; failing it: " + e.getMessage());
                fail(broken, new AttemptFailure("undecodable job: " + e.getMessage(), "", true, Duration.ZERO),
                        Duration.ZERO, Optional.empty());
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
    public Settled complete(ClaimedJob job, Object result, Duration took, Optional<ClaimRequest> next) {
        List<String> keys = new ArrayList<>(List.of(RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                RedisKeys.finished(job.queue()), RedisKeys.results(job.id()), RedisKeys.stats(job.name()),
                RedisKeys.STATS_TIMELINE));
        String now = now();
        List<byte[]> args = new ArrayList<>(List.of(RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()),
                RqFormat.utf8(now), RqFormat.utf8(result == null ? "" : RqFormat.base64Json(result)),
                RqFormat.utf8(Long.toString(took.toMillis()))));
        return settle("complete", job, keys, args, next);
    }

    @Override
    public Settled fail(ClaimedJob job, AttemptFailure failure, Duration took, Optional<ClaimRequest> next) {
        String text = failure.stackTrace().isEmpty() ? failure.error() : failure.stackTrace();
        byte[] excInfo = RqFormat.deflate(text.getBytes(StandardCharsets.UTF_8));
        List<String> keys = new ArrayList<>(List.of(RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                RedisKeys.failed(job.queue()), RedisKeys.scheduled(job.queue()), RedisKeys.results(job.id()),
                RedisKeys.queue(job.queue()), RedisKeys.wake(job.queue()), RedisKeys.canceled(job.queue()),
                RedisKeys.stats(job.name()), RedisKeys.STATS_TIMELINE));
        String now = now();
        long delaySeconds = (failure.notBefore().toMillis() + 999) / 1000;
        List<byte[]> args = new ArrayList<>(List.of(RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()),
                RqFormat.utf8(now), RqFormat.utf8(Base64.getEncoder().encodeToString(excInfo)), excInfo,
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS)),
                RqFormat.utf8(failure.permanent() ? "permanent" : "retry"), RqFormat.utf8(Long.toString(delaySeconds)),
                RqFormat.utf8(Long.toString(took.toMillis()))));
        return settle("fail", job, keys, args, next);
    }

    private Settled settle(String script, ClaimedJob job, List<String> keys, List<byte[]> args,
                           Optional<ClaimRequest> next) {
        List<String> claimKeys = new ArrayList<>();
        List<byte[]> claimArgs = new ArrayList<>();
        if (next.isPresent() && next.get().max() > 0) {
            claimKeysAndArgs(next.get(), claimKeys, claimArgs, null);
        } else {
            // No next claim: the claim key is still passed (a fixed position), with no queue keys.
            claimKeys.add(RedisKeys.claim("none"));
        }
        keys.addAll(claimKeys);
        args.addAll(claimArgs);
        List<Object> reply = RedisFailures.guard(script, () -> scripts.run(script, ScriptOutputType.MULTI,
                keys.toArray(String[]::new), args.toArray(byte[][]::new)));
        Settlement settlement = settlement((Long) reply.get(0));
        List<ClaimedJob> claimed = next.isPresent() ? jobs(next.get(), reply, 1) : List.of();
        return new Settled(settlement, claimed);
    }

    @Override
    public Settlement release(ClaimedJob job) {
        Long code = RedisFailures.guard("release", () -> scripts.run("release-5", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()),
                        RedisKeys.queue(job.queue()), RedisKeys.wake(job.queue()), RedisKeys.canceled(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()), RqFormat.utf8(now()),
                RqFormat.utf8(Integer.toString(RedisJobQueue.MAX_WAKE_TOKENS))));
        return settlement(code);
    }

    @Override
    public Map<String, Heartbeat> heartbeat(List<ClaimedJob> jobs, Duration lease) {
        if (jobs.isEmpty()) {
            return Map.of();
        }
        String[] keys = new String[jobs.size() * 2];
        byte[][] args = new byte[2 + jobs.size() * 2][];
        args[0] = RqFormat.utf8(Long.toString(lease.toMillis()));
        args[1] = RqFormat.utf8(now());
        for (int i = 0; i < jobs.size(); i++) {
            ClaimedJob job = jobs.get(i);
            keys[2 * i] = RedisKeys.job(job.id());
            keys[2 * i + 1] = RedisKeys.started(job.queue());
            args[2 + 2 * i] = RqFormat.utf8(job.id());
            args[3 + 2 * i] = RqFormat.utf8(job.leaseToken());
        }
        List<Long> codes = RedisFailures.guard("heartbeat", () -> scripts.run("heartbeat", ScriptOutputType.MULTI,
                keys, args));
        List<Heartbeat> beats = codes.stream().map(code -> code == null || code < 0 ? Heartbeat.LEASE_LOST
                : code == 2 ? Heartbeat.CANCEL_REQUESTED : Heartbeat.EXTENDED).toList();
        return JobClaims.byToken(jobs, beats);
    }

    @Override
    public Settlement progress(ClaimedJob job, int percent, String message) {
        Long code = RedisFailures.guard("progress", () -> scripts.run("progress-2", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue())},
                RqFormat.utf8(job.leaseToken()), RqFormat.utf8(Integer.toString(percent)),
                RqFormat.utf8(message == null ? "" : message), RqFormat.utf8(job.id())));
        if (code != null && code == 2) {
            throw new JobCancelledException(job.id());
        }
        return settlement(code);
    }

    @Override
    public Settlement canceled(ClaimedJob job) {
        Long code = RedisFailures.guard("cancel", () -> scripts.run("canceled-3", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.job(job.id()), RedisKeys.started(job.queue()), RedisKeys.canceled(job.queue())},
                RqFormat.utf8(job.id()), RqFormat.utf8(job.leaseToken()), RqFormat.utf8(now())));
        return settlement(code);
    }

    private String now() {
        return RqFormat.timestamp(clock.instant());
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

    private static String textOr(Object value, String fallback) {
        if (value instanceof Long number) {
            return number.toString();
        }
        return value instanceof byte[] bytes && bytes.length > 0 ? RqFormat.text(bytes) : fallback;
    }
}
