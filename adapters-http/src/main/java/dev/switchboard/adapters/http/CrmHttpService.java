package dev.switchboard.adapters.http;

import static dev.switchboard.adapters.http.ApiRequests.bad;
import static dev.switchboard.adapters.http.ApiRequests.businessOf;
import static dev.switchboard.adapters.http.ApiRequests.number;
import static dev.switchboard.adapters.http.ApiRequests.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.EmailAddress;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadConflictException;
import dev.switchboard.ports.out.LeadPage;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRM's records over HTTP, behind the same per-business bearer tokens as the job API. A
 * business token reads and writes its own business only; the admin token names the business with
 * {@code ?business_id=}. Another business's lead answers 404, exactly like a missing one.
 *
 * <pre>
 * GET /api/leads?phone=&lt;digits&gt;&amp;offset=0&amp;limit=50   newest first, with the total
 * GET /api/leads/{id}                                    the lead and its latest messages
 * PATCH /api/leads/{id}  {"email": "..." | null}         sets or clears the lead's e-mail address
 * GET /api/business                                      the caller's business
 * PUT /api/business  {"name","zone","agent_prompt"?,"settings"?}
 * </pre>
 */
public final class CrmHttpService implements HttpService {
    private static final Pattern LEAD_ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
    private static final int MAX_LIMIT = 200;
    /** How much of a lead's conversation {@code GET /api/leads/{id}} shows. */
    static final int CONVERSATION_LIMIT = 100;
    private static final int MAX_SETTINGS = 50;
    private static final int MAX_SETTING_LENGTH = 1000;

    private final BearerTokens tokens;
    private final BusinessRepository businesses;
    private final LeadRepository leads;
    private final MessageRepository messages;

    public CrmHttpService(BearerTokens tokens, BusinessRepository businesses, LeadRepository leads,
                          MessageRepository messages) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.businesses = Objects.requireNonNull(businesses, "businesses");
        this.leads = Objects.requireNonNull(leads, "leads");
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    /**
     * The CRM's routes for an api with no store configured ({@code DATABASE_URL} unset): each
     * answers 503 saying so, after authentication, rather than a 404 that would look like a typo.
     */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "the CRM store is not configured on this api: set DATABASE_URL");
            };
            rules.get("/api/leads", refuse).get("/api/leads/{id}", refuse).patch("/api/leads/{id}", refuse)
                    .get("/api/business", refuse).put("/api/business", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/leads", this::listLeads)
                .get("/api/leads/{id}", this::findLead)
                .patch("/api/leads/{id}", this::updateLead)
                .get("/api/business", this::findBusiness)
                .put("/api/business", this::saveBusiness);
    }

    private void listLeads(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        Optional<String> phone = query(request, "phone").map(p -> p.startsWith("+") ? p.substring(1) : p);
        if (phone.isPresent() && !DIGITS.matcher(phone.get()).matches()) {
            throw bad("phone must be 1..15 digits (an optional leading +)");
        }
        int offset = number(request, "offset", 0, 0, 1_000_000);
        int limit = number(request, "limit", 50, 1, MAX_LIMIT);
        LeadPage page = leads.list(business, phone, offset, limit);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        json.put("leads", page.leads().stream().map(CrmHttpService::lead).toList());
        JsonResponses.send(response, Status.OK_200, json);
    }

    private void findLead(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        String id = request.path().pathParameters().get("id");
        if (!LEAD_ID.matcher(id).matches()) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such lead");
        }
        Lead lead = leads.find(business, id).orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such lead"));
        Map<String, Object> json = lead(lead);
        List<Map<String, Object>> conversation = new ArrayList<>();
        for (ChatMessage m : messages.recent(business, lead.id(), CONVERSATION_LIMIT)) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", m.messageId());
            message.put("direction", m.direction() == ChatMessage.Direction.INBOUND ? "inbound" : "outbound");
            message.put("channel", m.channel());
            message.put("kind", m.kind());
            message.put("text", m.text().orElse(null));
            message.put("at", m.at().toString());
            message.put("author_name", m.authorName().orElse(null));
            conversation.add(message);
        }
        json.put("conversation", conversation);
        JsonResponses.send(response, Status.OK_200, json);
    }

    /**
     * Sets or clears the lead's e-mail address: mail from it, in a connected Gmail mailbox, joins
     * the lead's conversation. Another lead of the business with the address: 409.
     */
    private void updateLead(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        String id = request.path().pathParameters().get("id");
        if (!LEAD_ID.matcher(id).matches()) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such lead");
        }
        JsonNode body = JsonFields.object(JsonBodies.read(request), Set.of("email"), "");
        if (!body.has("email")) {
            throw bad("nothing to change: the body may set email");
        }
        Optional<String> email = JsonFields.optionalText(body, "email", "email").map(String::strip);
        if (email.isPresent() && !EmailAddress.isValid(email.get())) {
            throw bad("email must be an address like maria@example.com (at most " + EmailAddress.MAX_LENGTH
                    + " characters), or null to clear it");
        }
        Lead updated;
        try {
            updated = leads.setEmail(business, id, email)
                    .orElseThrow(() -> new HttpProblem(Status.NOT_FOUND_404, "no such lead"));
        } catch (LeadConflictException e) {
            throw new HttpProblem(Status.CONFLICT_409, e.getMessage());
        }
        JsonResponses.send(response, Status.OK_200, lead(updated));
    }

    private void findBusiness(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        JsonResponses.send(response, Status.OK_200, business(businesses.find(business)
                .orElse(Business.unconfigured(business))));
    }

    private void saveBusiness(ServerRequest request, ServerResponse response) {
        String business = businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonBodies.read(request);
        if (!body.isObject()) {
            throw bad("body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("name", "zone", "agent_prompt", "settings").contains(name)) {
                throw bad("unknown field '" + name + "'");
            }
        }
        String name = text(body, "name").orElseThrow(() -> bad("name is required"));
        ZoneId zone;
        try {
            zone = ZoneId.of(text(body, "zone").orElse("UTC"));
        } catch (DateTimeException e) {
            throw bad("zone must be a time zone id like America/Sao_Paulo");
        }
        Optional<String> prompt = text(body, "agent_prompt");
        Map<String, String> settings = settings(body.get("settings"));
        Business saved;
        try {
            saved = new Business(business, name.strip(), zone, prompt, settings);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        JsonResponses.send(response, Status.OK_200, business(businesses.save(saved)));
    }

    private static Map<String, String> settings(JsonNode node) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject() || node.size() > MAX_SETTINGS) {
            throw bad("settings must be an object of at most " + MAX_SETTINGS + " string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || e.getKey().length() > 100 || e.getValue().asText().length() > MAX_SETTING_LENGTH) {
                throw bad("settings must map names (≤ 100 chars) to strings (≤ " + MAX_SETTING_LENGTH + " chars)");
            }
            settings.put(e.getKey(), e.getValue().asText());
        }
        return settings;
    }

    static Map<String, Object> lead(Lead lead) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", lead.id());
        json.put("phone", lead.phone().orElse(null));
        json.put("whatsapp_jid", lead.whatsAppJid().orElse(null));
        json.put("lid", lead.lid().orElse(null));
        json.put("name", lead.name().orElse(null));
        json.put("email", lead.email().orElse(null));
        json.put("source", lead.source());
        json.put("status", lead.status());
        json.put("summary", lead.summary().orElse(null));
        json.put("created_at", lead.createdAt().toString());
        json.put("updated_at", lead.updatedAt().toString());
        return json;
    }

    private static Map<String, Object> business(Business business) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", business.id());
        json.put("name", business.name());
        json.put("zone", business.zone().getId());
        json.put("agent_prompt", business.agentPrompt().orElse(null));
        json.put("settings", business.settings());
        return json;
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw bad(field + " must be a string");
        }
        return Optional.of(value.asText());
    }
}
