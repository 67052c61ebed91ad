package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a job hash (and its latest result) into a {@link JobView}. */
final class RedisJobViews {
    private static final DateTimeFormatter RQ_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]'Z'");

    private RedisJobViews() {
    }

    static Optional<JobView> read(RedisCommands<String, byte[]> redis, String jobId) {
        Map<String, byte[]> hash = redis.hgetall(RedisKeys.job(jobId));
        if (hash.isEmpty() || !hash.containsKey("data")) {
            return Optional.empty();
        }
        RqFormat.JobData data = RqFormat.decodeData(hash.get("data"));
        JobStatus status = status(text(hash, "status"));
        Optional<Object> result = status == JobStatus.FINISHED ? latestResult(redis, jobId) : Optional.empty();
        Optional<String> error = Optional.ofNullable(hash.get("exc_info")).filter(b -> b.length > 0)
                .map(b -> new String(RqFormat.inflateOrRaw(b), StandardCharsets.UTF_8));
        return Optional.of(new JobView(jobId, data.jobName(), text(hash, "origin"), status,
                text(hash, "business_id"), text(hash, "trace_id"), nonEmpty(hash, "run_id"), data.kwargs(),
                integer(hash, "progress"), nonEmpty(hash, "progress_message"), result, error,
                time(hash, "created_at"), time(hash, "enqueued_at"), time(hash, "started_at"),
                time(hash, "ended_at"), integer(hash, "attempts"), integer(hash, "retries_left"),
                nonEmpty(hash, "worker_name")));
    }

    static Optional<String> businessOf(RedisCommands<String, byte[]> redis, String jobId) {
        return Optional.ofNullable(RqFormat.text(redis.hget(RedisKeys.job(jobId), "business_id")));
    }

    private static Optional<Object> latestResult(RedisCommands<String, byte[]> redis, String jobId) {
        List<StreamMessage<String, byte[]>> last = redis.xrevrange(RedisKeys.results(jobId), Range.create("-", "+"),
                io.lettuce.core.Limit.from(1));
        if (last.isEmpty() || last.get(0).getBody().get("return_value") == null) {
            return Optional.empty();
        }
        try {
            byte[] json = Base64.getDecoder().decode(last.get(0).getBody().get("return_value"));
            return Optional.ofNullable(RqFormat.JSON.readValue(json, Object.class));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static JobStatus status(String value) {
        try {
            return JobStatus.parse(value == null || value.isEmpty() ? "queued" : value);
        } catch (IllegalArgumentException e) {
            return JobStatus.QUEUED;
        }
    }

    private static String text(Map<String, byte[]> hash, String field) {
        byte[] value = hash.get(field);
        return value == null ? "" : RqFormat.text(value);
    }

    private static Optional<String> nonEmpty(Map<String, byte[]> hash, String field) {
        return Optional.of(text(hash, field)).filter(s -> !s.isEmpty());
    }

    private static int integer(Map<String, byte[]> hash, String field) {
        try {
            return Integer.parseInt(text(hash, field));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Optional<Instant> time(Map<String, byte[]> hash, String field) {
        return parseTime(text(hash, field));
    }

    static Optional<Instant> parseTime(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(value, RQ_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
