package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.NewReminder;
import dev.switchboard.ports.out.Reminder;
import dev.switchboard.ports.out.ReminderRepository;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.switchboard.adapters.http.ApiRequests.bad;

/**
 * Reminders (pushed to the user 30 and 15 minutes before they are due, by
 * {@code reminders_tick_job}), behind the per-business bearer tokens.
 *
 * <pre>
 * POST   /api/reminders          {"user_id", "due_at" (ISO-8601 with offset), "text", "lead_id"?}
 * GET    /api/reminders?user_id=&amp;from=&amp;limit=   due from {@code from} (default: an hour ago), soonest first
 * GET    /api/reminders/{id}
 * DELETE /api/reminders/{id}
 * </pre>
 */
public final class RemindersHttpService implements HttpService {
    /** The times a query may name: wider than any reminder, narrower than what the store can write. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final Set<String> FIELDS = Set.of("user_id", "due_at", "text", "lead_id");
    private static final Duration MAX_AHEAD = Duration.ofDays(366 * 2);

    private final BearerTokens tokens;
    private final ReminderRepository reminders;
    private final Clock clock;

    public RemindersHttpService(BearerTokens tokens, ReminderRepository reminders, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.reminders = Objects.requireNonNull(reminders, "reminders");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Without the CRM store: the same routes, each 503 naming what is missing (after the token check). */
    public static HttpService unconfigured(BearerTokens tokens) {
        return rules -> {
            io.helidon.webserver.http.Handler refuse = (request, response) -> {
                tokens.authenticate(request);
                JsonResponses.error(response, Status.SERVICE_UNAVAILABLE_503,
                        "Reminders need the CRM store, which is not configured on this api: set DATABASE_URL");
            };
            rules.post("/api/reminders", refuse).get("/api/reminders", refuse).get("/api/reminders/{id}", refuse)
                    .delete("/api/reminders/{id}", refuse);
        };
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/reminders", this::create)
                .get("/api/reminders", this::list)
                .get("/api/reminders/{id}", this::find)
                .delete("/api/reminders/{id}", this::delete);
    }

    private void create(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        Instant due = instant(JsonFields.requiredText(body, "due_at", "due_at"), "due_at");
        Instant now = clock.instant();
        if (!due.isAfter(now)) {
            throw bad("due_at is in the past");
        }
        if (due.isAfter(now.plus(MAX_AHEAD))) {
            throw bad("due_at is more than two years ahead");
        }
        Optional<String> lead = JsonFields.optionalText(body, "lead_id", "lead_id");
        if (lead.isPresent() && !ApiRequests.UUID.matcher(lead.get()).matches()) {
            throw bad("lead_id must be a lead's id");
        }
        Reminder created;
        try {
            created = reminders.create(new NewReminder(business, lead.map(l -> l.toLowerCase(java.util.Locale.ROOT)),
                    JsonFields.requiredText(body, "user_id", "user_id"), due, JsonFields.requiredText(body, "text", "text")));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        JsonResponses.send(response, Status.CREATED_201, json(created));
    }

    private void list(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        Optional<String> user = ApiRequests.query(request, "user_id");
        Instant from = ApiRequests.query(request, "from").map(f -> instant(f, "from"))
                .orElse(clock.instant().minus(Duration.ofHours(1)));
        int limit = ApiRequests.number(request, "limit", 50, 1, 200);
        List<Map<String, Object>> items = reminders.list(business, user, from, limit).stream()
                .map(RemindersHttpService::json).toList();
        JsonResponses.send(response, Status.OK_200, Map.of("reminders", items));
    }

    private void find(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "reminder");
        JsonResponses.send(response, Status.OK_200, json(reminders.find(business, id)
                .orElseThrow(() -> new HttpProblem(io.helidon.http.Status.NOT_FOUND_404, "no such reminder"))));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        String id = ApiRequests.uuid(request, "id", "reminder");
        if (!reminders.delete(business, id)) {
            throw new HttpProblem(io.helidon.http.Status.NOT_FOUND_404, "no such reminder");
        }
        JsonResponses.send(response, Status.OK_200, Map.of("id", id, "deleted", true));
    }

    private static Instant instant(String value, String field) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw bad(field + " must be an ISO-8601 time with an offset, e.g. 2026-12-01T15:00:00-03:00");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw bad(field + " must be between the years 1970 and 9999");
        }
        return instant;
    }

    private static Map<String, Object> json(Reminder r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", r.id());
        json.put("user_id", r.userId());
        json.put("lead_id", r.leadId().orElse(null));
        json.put("due_at", r.dueAt().toString());
        json.put("text", r.text());
        json.put("created_at", r.createdAt().toString());
        return json;
    }
}
