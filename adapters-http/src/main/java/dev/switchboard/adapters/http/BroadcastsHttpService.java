package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.BroadcastStarted;
import dev.switchboard.ports.in.StartBroadcastCommand;
import dev.switchboard.ports.in.StartBroadcastUseCase;
import dev.switchboard.ports.out.BroadcastAudience;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BroadcastRun;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.switchboard.adapters.http.ApiRequests.bad;

/**
 * WhatsApp broadcasts, behind the per-business bearer tokens (docs/broadcasts.md):
 *
 * <pre>
 * POST /api/broadcasts        {"message", "recipients": ["+55…", …] | "filter": {"status"?, "source"?}, "run_id"?}
 *                             202 {"run_id", "job_id", "duplicate", "status", "total"}
 * GET  /api/broadcasts/{run}  the run: state, sent / failed / remaining, progress 0..100
 * POST /api/runs/{run}/cancel (JobActionsHttpService) stops it
 * </pre>
 *
 * Another business's run is 404, like one that does not exist.
 */
public final class BroadcastsHttpService implements HttpService {
    private static final Set<String> FIELDS = Set.of("run_id", "message", "recipients", "filter");
    private static final Set<String> FILTER_FIELDS = Set.of("status", "source");

    private final BearerTokens tokens;
    private final StartBroadcastUseCase broadcasts;
    private final BroadcastRepository runs;
    private final JobInspection jobs;
    private final EnqueueQuota quota;

    public BroadcastsHttpService(BearerTokens tokens, StartBroadcastUseCase broadcasts, BroadcastRepository runs,
                                 JobInspection jobs, EnqueueQuota quota) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.broadcasts = Objects.requireNonNull(broadcasts, "broadcasts");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.quota = Objects.requireNonNull(quota, "quota");
    }

    /** Without the CRM store: the same routes, each 503 naming what is missing (after the token check). */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "Broadcasts need the CRM store, which is not configured on this api: set DATABASE_URL");
            };
            rules.post("/api/broadcasts", refuse).get("/api/broadcasts/{run}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/broadcasts", this::start)
                .get("/api/broadcasts/{run}", this::show);
    }

    private void start(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        StartBroadcastCommand command = new StartBroadcastCommand(business, TraceIds.of(request),
                JsonFields.optionalText(body, "run_id", "run_id"), JsonFields.requiredText(body, "message", "message"),
                audience(body));
        quota.take(business, 1);
        BroadcastStarted started = broadcasts.start(command);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", started.runId());
        json.put("job_id", started.jobId());
        json.put("duplicate", started.duplicate());
        json.put("status", started.run().status().id());
        json.put("total", started.run().total());
        JsonResponses.send(response, Status.ACCEPTED_202, json);
    }

    private static BroadcastAudience audience(JsonNode body) {
        boolean listed = body.hasNonNull("recipients");
        boolean filtered = body.hasNonNull("filter");
        if (listed == filtered) {
            throw bad("give either recipients (phone numbers) or filter (which leads), not " + (listed ? "both" : "neither"));
        }
        if (listed) {
            return new BroadcastAudience.Recipients(JsonFields.textArray(body, "recipients", "recipients",
                    StartBroadcastCommand.MAX_RECIPIENTS));
        }
        JsonNode filter = JsonFields.object(body.get("filter"), FILTER_FIELDS, "filter");
        return new BroadcastAudience.LeadFilter(JsonFields.optionalText(filter, "status", "filter.status"),
                JsonFields.optionalText(filter, "source", "filter.source"));
    }

    private void show(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String runId = ApiRequests.pathId(request, "run");
        BroadcastRun run = runs.find(business, runId)
                .orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such broadcast"));
        Optional<JobView> job = run.jobId().flatMap(id -> jobs.find(BusinessScope.of(business), id));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", run.runId());
        json.put("state", state(run, job));
        json.put("total", run.total());
        json.put("sent", run.sent());
        json.put("failed", run.failed());
        json.put("remaining", run.remaining());
        json.put("progress", run.progress());
        json.put("message", run.message());
        json.put("error", run.error().or(() -> job.filter(j -> j.status() == JobStatus.FAILED).flatMap(JobView::error))
                .orElse(null));
        json.put("created_at", run.createdAt().toString());
        json.put("started_at", run.startedAt().map(Instant::toString).orElse(null));
        json.put("finished_at", run.finishedAt().map(Instant::toString).orElse(null));
        json.put("job_id", run.jobId().orElse(null));
        json.put("job_status", job.map(j -> j.status().id()).orElse(null));
        JsonResponses.send(response, Status.OK_200, json);
    }

    /**
     * The run's own state, unless its job tells more: a job cancelled alone (by its id) or failed
     * after its retries leaves the run as it was, and the caller should see that nothing sends.
     */
    private static String state(BroadcastRun run, Optional<JobView> job) {
        if (!run.status().isFinal() && job.isPresent()) {
            if (job.get().status() == JobStatus.CANCELED) {
                return "cancelled";
            }
            if (job.get().status() == JobStatus.FAILED) {
                return "failed";
            }
        }
        return run.status().id();
    }
}
