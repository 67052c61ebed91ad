package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.JobPage;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.QueueStats;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of the job API, in one place. */
final class JobJson {
    private JobJson() {
    }

    static Map<String, Object> job(JobView job) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id());
        json.put("name", job.name());
        json.put("queue", job.queue());
        json.put("status", job.status().id());
        json.put("business_id", job.businessId());
        json.put("trace_id", job.traceId());
        json.put("run_id", job.runId().orElse(null));
        json.put("progress", job.progress());
        json.put("progress_message", job.progressMessage().orElse(null));
        json.put("result", job.result().orElse(null));
        json.put("error", job.error().orElse(null));
        json.put("attempts", job.attempts());
        json.put("retries_left", job.retriesLeft());
        json.put("worker", job.workerName().orElse(null));
        json.put("created_at", time(job.createdAt()));
        json.put("enqueued_at", time(job.enqueuedAt()));
        json.put("started_at", time(job.startedAt()));
        json.put("ended_at", time(job.endedAt()));
        return json;
    }

    static Map<String, Object> page(JobPage page) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jobs", page.jobs().stream().map(JobJson::job).toList());
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        return json;
    }

    static Map<String, Object> queue(QueueStats stats) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("queued", stats.queued());
        json.put("started", stats.started());
        json.put("scheduled", stats.scheduled());
        json.put("finished", stats.finished());
        json.put("failed", stats.failed());
        json.put("canceled", stats.canceled());
        json.put("oldest_queued_age_s", stats.oldestQueuedAge().map(d -> d.toMillis() / 1000.0).orElse(null));
        return json;
    }

    static Map<String, Object> queues(List<QueueStats> stats) {
        Map<String, Object> json = new LinkedHashMap<>();
        stats.forEach(s -> json.put(s.queue(), queue(s)));
        return json;
    }

    private static String time(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
