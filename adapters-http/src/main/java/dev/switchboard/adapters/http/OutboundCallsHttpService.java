package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.OutboundCallAccepted;
import dev.switchboard.ports.in.PlaceOutboundCallCommand;
import dev.switchboard.ports.in.PlaceOutboundCallUseCase;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;
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
import java.util.regex.Pattern;

/**
 * Outbound calls, behind the per-business bearer tokens (docs/twilio.md#outbound-calls):
 *
 * <pre>
 * POST /api/calls                         {"to": "+55…", "lead_id"?, "request_id"?}
 *                                         202 {"request_id", "job_id", "duplicate", "state"}
 * GET  /api/calls/outbound/{request_id}   the request: state (requested, placing, placed, failed,
 *                                         unknown), call_sid, error, its job
 * </pre>
 *
 * The api only enqueues: {@code place_outbound_call_job} places the call, at most once per request.
 * A lead or a request of another business is 404, like one that does not exist; a request id used
 * before for a different call is 409.
 */
public final class OutboundCallsHttpService implements HttpService {
    private static final Set<String> FIELDS = Set.of("to", "lead_id", "request_id");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final BearerTokens tokens;
    private final PlaceOutboundCallUseCase placeCall;
    private final OutboundCallRepository calls;
    private final JobInspection jobs;
    private final EnqueueQuota quota;

    public OutboundCallsHttpService(BearerTokens tokens, PlaceOutboundCallUseCase placeCall,
                                    OutboundCallRepository calls, JobInspection jobs, EnqueueQuota quota) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.placeCall = Objects.requireNonNull(placeCall, "placeCall");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.quota = Objects.requireNonNull(quota, "quota");
    }

    /** The routes of an api that cannot place calls: 503 saying what is missing, after authentication. */
    public static HttpService unconfigured(BearerTokens tokens, String missing) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "outbound calls are not configured on this api: " + missing);
            };
            rules.post("/api/calls", refuse).get("/api/calls/outbound/{request_id}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/calls", this::place)
                .get("/api/calls/outbound/{request_id}", this::show);
    }

    private void place(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        PlaceOutboundCallCommand command = new PlaceOutboundCallCommand(business, TraceIds.of(request),
                JsonFields.requiredText(body, "to", "to"), JsonFields.optionalText(body, "lead_id", "lead_id"),
                JsonFields.optionalText(body, "request_id", "request_id"));
        quota.take(business, 1);
        OutboundCallAccepted accepted;
        try {
            accepted = placeCall.place(command);
        } catch (PlaceOutboundCallUseCase.LeadNotFound e) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such lead");
        } catch (PlaceOutboundCallUseCase.Conflict e) {
            throw new HttpProblem(Status.CONFLICT_409, e.getMessage());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("request_id", accepted.requestId());
        json.put("job_id", accepted.jobId());
        json.put("duplicate", accepted.duplicate());
        json.put("state", accepted.call().state().id());
        JsonResponses.send(response, Status.ACCEPTED_202, json);
    }

    private void show(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String requestId = request.path().pathParameters().get("request_id");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such outbound call request");
        }
        OutboundCall call = calls.find(business, requestId)
                .orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such outbound call request"));
        Optional<JobView> job = call.jobId().flatMap(id -> jobs.find(BusinessScope.of(business), id));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("request_id", call.requestId());
        json.put("state", call.state().id());
        json.put("to", call.toNumber());
        json.put("from", call.fromNumber());
        json.put("lead_id", call.leadId().orElse(null));
        json.put("call_sid", call.callSid().orElse(null));
        json.put("error", call.error().orElse(null));
        json.put("created_at", call.createdAt().toString());
        json.put("placing_at", call.placingAt().map(Instant::toString).orElse(null));
        json.put("settled_at", call.settledAt().map(Instant::toString).orElse(null));
        json.put("job_id", call.jobId().orElse(null));
        json.put("job_status", job.map(j -> j.status().id()).orElse(null));
        JsonResponses.send(response, Status.OK_200, json);
    }
}
