package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.BroadcastStarted;
import dev.switchboard.ports.in.StartBroadcastCommand;
import dev.switchboard.ports.in.StartBroadcastUseCase;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/broadcasts}: one {@code broadcast_job} with a run id (cancellable by run).
 * Until the job has a handler the route is mounted without a use case and answers 501.
 */
public final class BroadcastsHttpService implements HttpService {
    static final String JOB = "broadcast_job";
    private static final Set<String> FIELDS = Set.of("run_id", "message", "recipients");

    private final BearerTokens tokens;
    private final Optional<StartBroadcastUseCase> broadcasts;
    private final EnqueueQuota quota;

    /** @param broadcasts the use case, or empty while {@code broadcast_job} has no handler (501) */
    public BroadcastsHttpService(BearerTokens tokens, Optional<StartBroadcastUseCase> broadcasts, EnqueueQuota quota) {
        this.tokens = tokens;
        this.broadcasts = broadcasts;
        this.quota = quota;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/broadcasts", this::broadcast);
    }

    private void broadcast(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        if (broadcasts.isEmpty()) {
            NotBuilt.answer(response, "broadcasts", JOB);
            return;
        }
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        StartBroadcastCommand command = new StartBroadcastCommand(business, TraceIds.of(request),
                JsonFields.optionalText(body, "run_id", "run_id"), JsonFields.requiredText(body, "message", "message"),
                JsonFields.textArray(body, "recipients", "recipients", StartBroadcastCommand.MAX_RECIPIENTS));
        quota.take(business, 1);
        BroadcastStarted started = broadcasts.get().start(command);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job_id", started.jobId());
        json.put("run_id", started.runId());
        json.put("duplicate", started.duplicate());
        JsonResponses.send(response, Status.ACCEPTED_202, json);
    }
}
