package dev.switchboard.adapters.http;

import static dev.switchboard.adapters.http.ApiRequests.businessOf;
import static dev.switchboard.adapters.http.ApiRequests.number;

import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogPage;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.RecordingRepository;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Call logs over HTTP, behind the same per-business bearer tokens as the CRM routes: a business
 * token reads its own business's calls only; the admin token names the business with
 * {@code ?business_id=}. Another business's call answers 404, exactly like a missing one.
 *
 * <pre>
 * GET /api/calls?offset=0&amp;limit=50   newest first, with the total (no transcripts)
 * GET /api/calls/{call_sid}            the call with its turns, duration, outcome and transcript,
 *                                      and its recordings (status, duration, transcript; never the
 *                                      provider's media URL: its audio needs the account's credentials)
 * </pre>
 */
public final class CallLogsHttpService implements HttpService {
    /** Twilio's call sids ({@code CA} and 32 hex), or any provider's: letters and digits. */
    private static final Pattern CALL_SID = Pattern.compile("[A-Za-z0-9]{2,64}");
    private static final int MAX_LIMIT = 200;

    private final BearerTokens tokens;
    private final CallLogRepository calls;
    private final RecordingRepository recordings;

    public CallLogsHttpService(BearerTokens tokens, CallLogRepository calls, RecordingRepository recordings) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.recordings = Objects.requireNonNull(recordings, "recordings");
    }

    /** The routes of an api without the CRM store: 503 naming {@code DATABASE_URL}, after authentication. */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "the CRM store is not configured on this api: set DATABASE_URL");
            };
            rules.get("/api/calls", refuse).get("/api/calls/{call_sid}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/calls", this::list).get("/api/calls/{call_sid}", this::find);
    }

    private void list(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        int offset = number(request, "offset", 0, 0, 1_000_000);
        int limit = number(request, "limit", 50, 1, MAX_LIMIT);
        CallLogPage page = calls.list(business, offset, limit);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        json.put("calls", page.calls().stream().map(CallLogsHttpService::call).toList());
        JsonResponses.send(response, Status.OK_200, json);
    }

    private void find(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        String sid = request.path().pathParameters().get("call_sid");
        if (!CALL_SID.matcher(sid).matches()) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such call");
        }
        CallLog log = calls.find(business, sid).orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such call"));
        List<CallTurn> turns = calls.turns(business, sid);
        Map<String, Object> json = call(log);
        json.put("transcript", log.transcript().orElse(null));
        json.put("turns", turns.stream().map(t -> {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("seq", t.seq());
            turn.put("speaker", t.speaker());
            turn.put("text", t.text());
            turn.put("at", t.at().toString());
            return turn;
        }).toList());
        json.put("recordings", recordings.forCall(business, sid).stream().map(r -> {
            Map<String, Object> recording = new LinkedHashMap<>();
            recording.put("recording_sid", r.recordingSid());
            recording.put("status", r.status());
            recording.put("duration_seconds", r.durationSeconds().orElse(null));
            recording.put("transcript", r.transcript().orElse(null));
            recording.put("failure_reason", r.failureReason().orElse(null));
            recording.put("recorded_at", r.recordedAt().toString());
            recording.put("deleted_at", r.deletedAt().map(Instant::toString).orElse(null));
            return recording;
        }).toList());
        JsonResponses.send(response, Status.OK_200, json);
    }

    private static Map<String, Object> call(CallLog log) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("call_sid", log.callSid());
        json.put("id", log.id());
        json.put("lead_id", log.leadId().orElse(null));
        json.put("direction", log.direction());
        json.put("from_number", log.fromNumber().orElse(null));
        json.put("to_number", log.toNumber().orElse(null));
        json.put("started_at", log.startedAt().toString());
        json.put("ended_at", log.endedAt().map(Instant::toString).orElse(null));
        json.put("duration_seconds", log.durationSeconds().orElse(null));
        json.put("outcome", log.outcome().orElse(null));
        json.put("status", log.finalized() ? "ended" : "open");
        return json;
    }
}
