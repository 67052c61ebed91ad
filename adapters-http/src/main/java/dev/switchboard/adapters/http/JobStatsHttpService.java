package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobStatistics;
import dev.switchboard.ports.out.JobsOverview;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the dashboard's graph and workers panel show, behind bearer tokens:
 * <pre>
 * GET /api/jobs/stats[?job=NAME]  processed and failed attempts per second over the last hour, of all
 *                                 jobs or of one job type; each job type's totals
 * GET /api/workers                registered workers: host, queues, current job, since
 * </pre>
 * Counts are the store's (every business's, like {@code /api/jobs/health}); a worker's current job
 * is shown only to a token whose business owns it (another business's job shows as busy, no id).
 * Timelines are read at most once a second per job type; the totals and workers come from the
 * {@link OverviewCache} that {@code /metrics} and health share.
 */
public final class JobStatsHttpService implements HttpService {
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final long TIMELINE_MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();

    private final BearerTokens tokens;
    private final OverviewCache overview;
    private final JobStatistics statistics;
    private final Map<String, Timeline> timelines = new ConcurrentHashMap<>();

    private record Timeline(List<JobStatistics.Second> seconds, long readAtNanos) {
    }

    public JobStatsHttpService(BearerTokens tokens, OverviewCache overview, JobStatistics statistics) {
        this.tokens = tokens;
        this.overview = overview;
        this.statistics = statistics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/jobs/stats", this::stats)
                .get("/api/workers", this::workers);
    }

    private void stats(ServerRequest request, ServerResponse response) {
        tokens.authenticate(request);
        Optional<String> job = ApiRequests.query(request, "job").filter(j -> !j.isEmpty());
        JobsOverview.Overview o = overview.current();
        List<String> names = OverviewCache.jobNames(o, overview.knownJobNames());
        if (job.isPresent() && !names.contains(job.get())) {
            throw ApiRequests.bad("job must be one of " + names);
        }
        List<List<Long>> points = new ArrayList<>();
        for (JobStatistics.Second s : timeline(job)) {
            // The store counts succeeded (p:) and failed (f:) attempts apart; processed is both, as
            // in each job type's totals (and Sidekiq's graph).
            points.add(List.of(s.at().getEpochSecond(), s.processed() + s.failed(), s.failed()));
        }
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (String name : names) {
            JobStatistics.JobTypeStats stats = o.jobs().getOrDefault(name, JobStatistics.JobTypeStats.none(name));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("processed", stats.processed());
            json.put("failed", stats.failed());
            json.put("average_ms", stats.processed() == 0 ? null : stats.totalMillis() / stats.processed());
            jobs.add(json);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job", job.orElse(null));
        body.put("window_s", WINDOW.toSeconds());
        body.put("now", o.at().getEpochSecond());
        body.put("timeline", points);
        body.put("jobs", jobs);
        JsonResponses.send(response, Status.OK_200, body);
    }

    private List<JobStatistics.Second> timeline(Optional<String> job) {
        String key = job.orElse("");
        Timeline cached = timelines.get(key);
        if (cached != null && System.nanoTime() - cached.readAtNanos() < TIMELINE_MAX_AGE_NANOS) {
            return cached.seconds();
        }
        List<JobStatistics.Second> seconds = job.isPresent() ? statistics.timeline(job.get(), WINDOW)
                : statistics.read(List.of(), WINDOW).timeline();
        timelines.put(key, new Timeline(seconds, System.nanoTime())); // keys: job names that ran, bounded
        return seconds;
    }

    private void workers(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        JobsOverview.Overview o = overview.current();
        List<Map<String, Object>> workers = new ArrayList<>();
        for (JobsOverview.Worker w : o.workers()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", w.name());
            json.put("host", w.host());
            json.put("queues", w.queues());
            json.put("state", w.busy() ? "busy" : "idle");
            Optional<JobsOverview.CurrentJob> job = w.currentJob().filter(j -> scope.includes(j.businessId()));
            json.put("current_job", job.map(j -> Map.of("id", j.id(), "name", j.name())).orElse(null));
            json.put("since", w.since().map(Instant::toString).orElse(null));
            json.put("last_heartbeat", w.lastHeartbeat().map(Instant::toString).orElse(null));
            json.put("succeeded", w.succeeded());
            json.put("failed", w.failed());
            workers.add(json);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workers", workers);
        body.put("total", o.workerCount());
        JsonResponses.send(response, Status.OK_200, body);
    }
}
