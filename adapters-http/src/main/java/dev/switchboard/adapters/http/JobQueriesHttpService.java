package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading jobs, behind bearer tokens. A business sees only its own jobs: another business's job
 * is 404, exactly like a job that does not exist.
 *
 * <pre>
 * GET /api/jobs/{id}      status, progress, result or error, timestamps, attempts
 * GET /api/jobs?state=failed|started|queued|scheduled|finished|canceled&amp;queue=default&amp;offset=0&amp;limit=50
 * </pre>
 */
public final class JobQueriesHttpService implements HttpService {
    private static final Set<String> STATES = Set.of("queued", "started", "scheduled", "failed", "finished", "canceled");
    private static final int MAX_LIMIT = 200;

    private final BearerTokens tokens;
    private final JobInspection inspection;
    private final List<String> queues;

    public JobQueriesHttpService(BearerTokens tokens, JobInspection inspection, List<String> queues) {
        this.tokens = tokens;
        this.inspection = inspection;
        this.queues = List.copyOf(queues);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/jobs", this::list)
                .get("/api/jobs/{id}", this::find);
    }

    private void find(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = ApiRequests.pathId(request, "id");
        JsonResponses.send(response, Status.OK_200, JobJson.job(inspection.find(scope, id).orElseThrow(ApiRequests::notFound)));
    }

    private void list(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String state = ApiRequests.query(request, "state").orElse("queued");
        if (!STATES.contains(state)) {
            throw ApiRequests.bad("state must be one of " + new TreeSet<>(STATES));
        }
        String queue = ApiRequests.query(request, "queue").orElse("default");
        if (!queues.contains(queue)) {
            throw ApiRequests.bad("queue must be one of " + queues);
        }
        int offset = ApiRequests.number(request, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = ApiRequests.number(request, "limit", 50, 1, MAX_LIMIT);
        JsonResponses.send(response, Status.OK_200,
                JobJson.page(inspection.list(scope, JobStatus.parse(state), queue, offset, limit)));
    }
}
