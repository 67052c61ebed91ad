package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The job API for operators and apps, behind bearer tokens. A business sees and changes only its
 * own jobs: another business's job is 404, exactly like a job that does not exist.
 *
 * <pre>
 * GET  /api/jobs/{id}                      status, progress, result or error, timestamps, attempts
 * POST /api/jobs/{id}/cancel
 * POST /api/jobs/{id}/requeue
 * GET  /api/jobs?state=failed|started|queued|scheduled|finished|canceled&amp;queue=default&amp;offset=0&amp;limit=50
 * POST /api/runs/{runId}/cancel            (admin: ?business_id=...)
 * POST /api/push                           501 until push_send_job has a handler
 * POST /api/broadcasts                     501 until broadcast_job has a handler
 * </pre>
 */
public final class JobsHttpService implements HttpService {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@=+-]{1,200}");
    private static final Set<String> STATES = Set.of("queued", "started", "scheduled", "failed", "finished", "canceled");
    private static final int MAX_LIMIT = 200;

    private final BearerTokens tokens;
    private final JobInspection inspection;
    private final JobAdministration administration;
    private final List<String> queues;

    public JobsHttpService(BearerTokens tokens, JobInspection inspection, JobAdministration administration,
                           List<String> queues) {
        this.tokens = tokens;
        this.inspection = inspection;
        this.administration = administration;
        this.queues = List.copyOf(queues);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/jobs", this::list)
                .get("/api/jobs/{id}", this::find)
                .post("/api/jobs/{id}/cancel", this::cancel)
                .post("/api/jobs/{id}/requeue", this::requeue)
                .post("/api/runs/{runId}/cancel", this::cancelRun)
                .post("/api/push", this::push)
                .post("/api/broadcasts", this::broadcast);
    }

    private void find(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = pathId(request, "id");
        JsonResponses.send(response, Status.OK_200, JobJson.job(inspection.find(scope, id).orElseThrow(JobsHttpService::notFound)));
    }

    private void list(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String state = query(request, "state").orElse("queued");
        if (!STATES.contains(state)) {
            throw bad("state must be one of " + new java.util.TreeSet<>(STATES));
        }
        String queue = query(request, "queue").orElse("default");
        if (!queues.contains(queue)) {
            throw bad("queue must be one of " + queues);
        }
        int offset = number(request, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = number(request, "limit", 50, 1, MAX_LIMIT);
        JsonResponses.send(response, Status.OK_200,
                JobJson.page(inspection.list(scope, JobStatus.parse(state), queue, offset, limit)));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = pathId(request, "id");
        CancelOutcome outcome = administration.cancel(scope, id);
        switch (outcome) {
            case NOT_FOUND -> throw notFound();
            case ALREADY_DONE -> throw new HttpProblem(Status.CONFLICT_409, "job already finished, failed or canceled");
            default -> JsonResponses.send(response, Status.OK_200,
                    Map.of("id", id, "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private void requeue(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = pathId(request, "id");
        if (inspection.find(scope, id).isEmpty()) {
            throw notFound();
        }
        if (!administration.requeue(scope, id)) {
            throw new HttpProblem(Status.CONFLICT_409, "only failed or canceled jobs can be requeued");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("id", id, "requeued", true));
    }

    private void cancelRun(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String runId = pathId(request, "runId");
        String business = scope.businessId()
                .or(() -> query(request, "business_id"))
                .orElseThrow(() -> bad("the admin token must name the run's business: ?business_id=..."));
        int canceled = administration.cancelRun(business, runId);
        JsonResponses.send(response, Status.OK_200, Map.of("run_id", runId, "canceled", canceled));
    }

    /**
     * Push notifications and broadcasts are accepted by the job API's design but their jobs have
     * no handler yet: 501 names what is missing, and nothing is enqueued (a job nobody can run
     * would only fail as unknown).
     */
    private void push(ServerRequest request, ServerResponse response) {
        notBuiltYet(request, response, "push_send_job");
    }

    private void broadcast(ServerRequest request, ServerResponse response) {
        notBuiltYet(request, response, "broadcast_job");
    }

    private void notBuiltYet(ServerRequest request, ServerResponse response, String job) {
        businessOf(tokens.authenticate(request), request);
        JsonResponses.send(response, Status.NOT_IMPLEMENTED_501, Map.of("error",
                "not built yet: " + job + " has no handler, so nothing was enqueued"));
    }

    /** Writes happen on behalf of one business: the admin token must say which. */
    private static String businessOf(BusinessScope scope, ServerRequest request) {
        return scope.businessId().or(() -> query(request, "business_id"))
                .orElseThrow(() -> bad("the admin token must name the business: ?business_id=..."));
    }

    private static <T> T command(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(e.getMessage() == null ? "invalid request" : e.getMessage());
        }
    }

    private static JsonNode object(JsonNode body, Set<String> allowed) {
        if (!body.isObject()) {
            throw bad("body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw bad("unknown field '" + name + "'");
            }
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw bad(field + " is required");
        }
        if (!value.isTextual()) {
            throw bad(field + " must be a string");
        }
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw bad(field + " must be a string");
        }
        return Optional.of(value.asText());
    }

    private static String pathId(ServerRequest request, String name) {
        String id = request.path().pathParameters().get(name);
        if (!ID.matcher(id).matches()) {
            throw bad(name + " is not a valid id");
        }
        return id;
    }

    private static Optional<String> query(ServerRequest request, String name) {
        return request.query().first(name).asOptional();
    }

    private static int number(ServerRequest request, String name, int fallback, int min, int max) {
        Optional<String> value = query(request, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(name + " must be a whole number from " + min + " to " + max);
    }

    private static HttpProblem notFound() {
        return new HttpProblem(Status.NOT_FOUND_404, "no such job");
    }

    private static HttpProblem bad(String reason) {
        return new HttpProblem(Status.BAD_REQUEST_400, reason);
    }
}
