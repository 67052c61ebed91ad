package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.ConnectGmailCommand;
import dev.switchboard.ports.in.ConnectGmailUseCase;
import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.GmailConnectionRepository;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Gmail mailboxes connected to a business (docs/gmail.md), behind the per-business bearer tokens.
 *
 * <pre>
 * POST   /api/gmail/connect  {"email", "refresh_token"}: 201 (200 when the address was connected
 *                            before: its token is replaced) with the connection and its sync job
 * GET    /api/gmail          the business's mailboxes: address, status, last sync, last error
 * GET    /api/gmail/{id}     one of them
 * DELETE /api/gmail/{id}     disconnects it (the token is forgotten)
 * </pre>
 *
 * The refresh token is a secret: no answer ever contains it, and nothing logs request bodies.
 * Whether Google accepts it is found out by the sync the connect queues; its verdict shows as
 * {@code status} and {@code last_error}.
 */
public final class GmailHttpService implements HttpService {
    private static final Set<String> FIELDS = Set.of("email", "refresh_token");

    private final BearerTokens tokens;
    private final ConnectGmailUseCase connect;
    private final GmailConnectionRepository connections;
    private final EnqueueQuota quota;

    public GmailHttpService(BearerTokens tokens, ConnectGmailUseCase connect, GmailConnectionRepository connections,
                            EnqueueQuota quota) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.connect = Objects.requireNonNull(connect, "connect");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.quota = Objects.requireNonNull(quota, "quota");
    }

    /** Without the CRM store: the same routes, each 503 naming what is missing (after the token check). */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "Gmail connections need the CRM store, which is not configured on this api: set DATABASE_URL");
            };
            rules.post("/api/gmail/connect", refuse).get("/api/gmail", refuse).get("/api/gmail/{id}", refuse)
                    .delete("/api/gmail/{id}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/gmail/connect", this::connect)
                .get("/api/gmail", this::list)
                .get("/api/gmail/{id}", this::find)
                .delete("/api/gmail/{id}", this::delete);
    }

    private void connect(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        ConnectGmailCommand command = new ConnectGmailCommand(business, TraceIds.of(request),
                JsonFields.requiredText(body, "email", "email"), JsonFields.requiredText(body, "refresh_token",
                "refresh_token"));
        quota.take(business, 1);
        ConnectGmailUseCase.GmailConnected done = connect.connect(command);
        Map<String, Object> json = json(done.connection());
        json.put("sync_job_id", done.syncJobId());
        JsonResponses.send(response, done.reconnected() ? Status.OK_200 : Status.CREATED_201, json);
    }

    private void list(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonResponses.send(response, Status.OK_200,
                Map.of("mailboxes", connections.list(business).stream().map(GmailHttpService::json).toList()));
    }

    private void find(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "mailbox");
        GmailConnection connection = connections.find(business, id)
                .orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such mailbox"));
        JsonResponses.send(response, Status.OK_200, json(connection));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "mailbox");
        if (!connections.delete(business, id)) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such mailbox");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("id", id, "deleted", true));
    }

    /** Everything about a connection except its refresh token. */
    private static Map<String, Object> json(GmailConnection c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id());
        json.put("email", c.email());
        json.put("status", c.status());
        json.put("history_id", c.historyId().map(Object::toString).orElse(null));
        json.put("last_synced_at", c.lastSyncedAt().map(Object::toString).orElse(null));
        json.put("last_error", c.lastError().orElse(null));
        json.put("created_at", c.createdAt().toString());
        return json;
    }
}
