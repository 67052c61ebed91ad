package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.StoredPushSubscription;
import dev.switchboard.ports.out.VapidKeyPair;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static dev.switchboard.adapters.http.ApiRequests.bad;

/**
 * The browsers users receive pushes on (docs/push.md), behind the per-business bearer tokens.
 *
 * <pre>
 * GET    /api/push/vapid-public-key          {"public_key"}: the page's applicationServerKey (no token: it is public)
 * POST   /api/push/subscriptions             the browser's PushSubscription JSON as is, plus "user_id"
 * DELETE /api/push/subscriptions?endpoint=…  unregisters it (404 when the business has none)
 * </pre>
 *
 * The endpoint must be an https URL that does not point into our network
 * ({@link OutboundGuard#checkForm(URI, OutboundGuard.Policy)}; the sender checks the resolved
 * address again at each push).
 */
public final class PushSubscriptionsHttpService implements HttpService {
    private static final Set<String> FIELDS = Set.of("endpoint", "expirationTime", "keys", "user_id");

    private final BearerTokens tokens;
    private final PushSubscriptionRepository subscriptions;
    private final VapidKeyPair vapid;
    private final OutboundGuard.Policy outbound;

    public PushSubscriptionsHttpService(BearerTokens tokens, PushSubscriptionRepository subscriptions, VapidKeyPair vapid,
                                        OutboundGuard.Policy outbound) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.vapid = Objects.requireNonNull(vapid, "vapid");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
    }

    /** Without the CRM store: the same routes, each 503 naming what is missing (after the token check). */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "Push subscriptions need the CRM store, which is not configured on this api: set DATABASE_URL");
            };
            rules.post("/api/push/subscriptions", refuse).delete("/api/push/subscriptions", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/push/vapid-public-key", this::publicKey)
                .post("/api/push/subscriptions", this::subscribe)
                .delete("/api/push/subscriptions", this::unsubscribe);
    }

    private void publicKey(ServerRequest request, ServerResponse response) {
        JsonResponses.send(response, Status.OK_200, Map.of("public_key", vapid.publicKey()));
    }

    private void subscribe(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        String userId = JsonFields.requiredText(body, "user_id", "user_id");
        if (userId.isBlank() || userId.length() > 128) {
            throw bad("user_id must be 1..128 characters");
        }
        String endpoint = JsonFields.requiredText(body, "endpoint", "endpoint");
        JsonNode keys = body.get("keys");
        if (keys == null || !keys.isObject()) {
            throw bad("keys must be an object with p256dh and auth");
        }
        PushSubscription subscription;
        try {
            subscription = new PushSubscription(endpoint, JsonFields.requiredText(keys, "p256dh", "keys.p256dh"),
                    JsonFields.requiredText(keys, "auth", "keys.auth"));
            OutboundGuard.checkForm(URI.create(endpoint), outbound);
        } catch (IllegalArgumentException | RefusedDestinationException e) {
            throw bad(e.getMessage());
        }
        StoredPushSubscription stored = subscriptions.subscribe(business, userId, subscription);
        JsonResponses.send(response, Status.CREATED_201, json(stored));
    }

    private void unsubscribe(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String endpoint = ApiRequests.query(request, "endpoint")
                .orElseThrow(() -> bad("name the subscription: ?endpoint=<its endpoint URL>"));
        if (!subscriptions.unsubscribe(business, endpoint)) {
            throw new HttpProblem(io.helidon.http.Status.NOT_FOUND_404, "no such subscription");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("endpoint", endpoint, "deleted", true));
    }

    private static Map<String, Object> json(StoredPushSubscription s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("user_id", s.userId());
        json.put("endpoint", s.subscription().endpoint());
        json.put("active", s.active());
        return json;
    }
}
