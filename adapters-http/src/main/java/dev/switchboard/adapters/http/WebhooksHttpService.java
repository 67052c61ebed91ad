package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.WebhookDelivery;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static dev.switchboard.adapters.http.ApiRequests.bad;

/**
 * Outbound webhook endpoints (docs/webhooks.md), behind the per-business bearer tokens.
 *
 * <pre>
 * POST   /api/webhooks        {"url", "events": [...]}: 201 with the signing secret, shown this once
 * GET    /api/webhooks        the business's endpoints (no secrets)
 * GET    /api/webhooks/{id}   one endpoint and its latest deliveries
 * DELETE /api/webhooks/{id}
 * </pre>
 *
 * The URL must be https and must not point into our network ({@link OutboundGuard#checkForm(URI,
 * OutboundGuard.Policy)}); each delivery checks the resolved address again.
 */
public final class WebhooksHttpService implements HttpService {
    private static final Set<String> FIELDS = Set.of("url", "events");
    private static final int MAX_URL = 2048;

    private final BearerTokens tokens;
    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final OutboundGuard.Policy outbound;
    private final SecureRandom random = new SecureRandom();

    public WebhooksHttpService(BearerTokens tokens, WebhookEndpointRepository endpoints,
                               WebhookDeliveryRepository deliveries, OutboundGuard.Policy outbound) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
    }

    /** Without the CRM store: the same routes, each 503 naming what is missing (after the token check). */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "Webhook endpoints need the CRM store, which is not configured on this api: set DATABASE_URL");
            };
            rules.post("/api/webhooks", refuse).get("/api/webhooks", refuse).get("/api/webhooks/{id}", refuse)
                    .delete("/api/webhooks/{id}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/webhooks", this::create)
                .get("/api/webhooks", this::list)
                .get("/api/webhooks/{id}", this::find)
                .delete("/api/webhooks/{id}", this::delete);
    }

    private void create(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        String text = JsonFields.requiredText(body, "url", "url");
        URI url;
        try {
            if (text.length() > MAX_URL) {
                throw bad("url must be at most " + MAX_URL + " characters");
            }
            url = new URI(text);
            if (url.getScheme() != null && !url.getScheme().equals(url.getScheme().toLowerCase(Locale.ROOT))) {
                // Schemes are case-insensitive (RFC 3986 §3.1): stored, and shown, in their lower-case form.
                url = new URI(url.getScheme().toLowerCase(Locale.ROOT) + text.substring(url.getScheme().length()));
            }
            OutboundGuard.checkForm(url, outbound);
        } catch (URISyntaxException e) {
            throw bad("url is not a URL");
        } catch (RefusedDestinationException e) {
            throw bad("url refused: " + e.getMessage());
        }
        JsonNode events = body.get("events");
        if (events == null || !events.isArray() || events.isEmpty()) {
            throw bad("events must be a non-empty list of " + new TreeSet<>(WebhookEndpoint.EVENT_TYPES));
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (JsonNode event : events) {
            if (!event.isTextual() || !WebhookEndpoint.EVENT_TYPES.contains(event.asText())) {
                throw bad("unknown event " + event + "; events are " + new TreeSet<>(WebhookEndpoint.EVENT_TYPES));
            }
            wanted.add(event.asText());
        }
        WebhookEndpoint created = endpoints.create(business, url, wanted,
                StandardWebhookSignature.newSecret(random));
        Map<String, Object> json = json(created);
        json.put("secret", created.secret());
        JsonResponses.send(response, Status.CREATED_201, json);
    }

    private void list(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonResponses.send(response, Status.OK_200,
                Map.of("webhooks", endpoints.list(business).stream().map(WebhooksHttpService::json).toList()));
    }

    private void find(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "webhook");
        WebhookEndpoint endpoint = endpoints.find(business, id).orElseThrow(() -> new HttpProblem(io.helidon.http.Status.NOT_FOUND_404, "no such webhook"));
        Map<String, Object> json = json(endpoint);
        int limit = ApiRequests.number(request, "limit", 50, 1, 200);
        List<Map<String, Object>> recent = deliveries.recent(business, id, limit).stream()
                .map(WebhooksHttpService::json).toList();
        json.put("deliveries", recent);
        JsonResponses.send(response, Status.OK_200, json);
    }

    private void delete(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "webhook");
        if (!endpoints.delete(business, id)) {
            throw new HttpProblem(io.helidon.http.Status.NOT_FOUND_404, "no such webhook");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("id", id, "deleted", true));
    }

    private static Map<String, Object> json(WebhookEndpoint e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", e.id());
        json.put("url", e.url().toString());
        json.put("events", new TreeSet<>(e.events()));
        json.put("active", e.active());
        json.put("created_at", e.createdAt().toString());
        return json;
    }

    private static Map<String, Object> json(WebhookDelivery d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event_id", d.eventId());
        json.put("event_type", d.eventType());
        json.put("status", d.status());
        json.put("attempts", d.attempts());
        json.put("last_error", d.lastError().orElse(null));
        json.put("created_at", d.createdAt().toString());
        json.put("last_attempt_at", d.lastAttemptAt().map(Object::toString).orElse(null));
        json.put("delivered_at", d.deliveredAt().map(Object::toString).orElse(null));
        return json;
    }
}
