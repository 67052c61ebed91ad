package dev.switchboard.adapters.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.util.Map;

/** {@code GET /health}: liveness. Registered once the role is wired, so 200 means ready. */
public final class HealthHttpService implements HttpService {
    private final String role;

    public HealthHttpService(String role) {
        this.role = role;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", (request, response) ->
                JsonResponses.send(response, Status.OK_200, Map.of("status", "ok", "role", role)));
    }
}
