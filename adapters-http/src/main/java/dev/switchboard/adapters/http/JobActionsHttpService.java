package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.CancelRunUseCase;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobInspection;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Locale;
import java.util.Map;

/**
 * Changing jobs, behind bearer tokens, within the caller's business:
 *
 * <pre>
 * POST /api/jobs/{id}/cancel
 * POST /api/jobs/{id}/requeue
 * POST /api/runs/{runId}/cancel            (admin: ?business_id=...)
 * </pre>
 */
public final class JobActionsHttpService implements HttpService {
    private final BearerTokens tokens;
    private final JobInspection inspection;
    private final JobAdministration administration;
    private final CancelRunUseCase cancelRun;

    /** @param cancelRun what cancelling a run does (its jobs, and the broadcast of that run id) */
    public JobActionsHttpService(BearerTokens tokens, JobInspection inspection, JobAdministration administration,
                                 CancelRunUseCase cancelRun) {
        this.tokens = tokens;
        this.inspection = inspection;
        this.administration = administration;
        this.cancelRun = cancelRun;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/jobs/{id}/cancel", this::cancel)
                .post("/api/jobs/{id}/requeue", this::requeue)
                .post("/api/runs/{runId}/cancel", this::cancelRun);
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = ApiRequests.pathId(request, "id");
        CancelOutcome outcome = administration.cancel(scope, id);
        switch (outcome) {
            case NOT_FOUND -> throw ApiRequests.notFound();
            case ALREADY_DONE -> throw new HttpProblem(Status.CONFLICT_409, "job already finished, failed or canceled");
            default -> JsonResponses.send(response, Status.OK_200,
                    Map.of("id", id, "outcome", outcome.name().toLowerCase(Locale.ROOT)));
        }
    }

    private void requeue(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String id = ApiRequests.pathId(request, "id");
        if (inspection.find(scope, id).isEmpty()) {
            throw ApiRequests.notFound();
        }
        if (!administration.requeue(scope, id)) {
            throw new HttpProblem(Status.CONFLICT_409, "only failed or canceled jobs can be requeued");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("id", id, "requeued", true));
    }

    private void cancelRun(ServerRequest request, ServerResponse response) {
        BusinessScope scope = tokens.authenticate(request);
        String runId = ApiRequests.pathId(request, "runId");
        String business = ApiRequests.businessOf(scope, request);
        int canceled = cancelRun.cancel(business, runId, TraceIds.of(request));
        JsonResponses.send(response, Status.OK_200, Map.of("run_id", runId, "canceled", canceled));
    }
}
