package dev.switchboard.adapters.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** The 501 of a route whose job has no handler yet: says what is missing, enqueues nothing. */
final class NotBuilt {
    private NotBuilt() {
    }

    static void answer(ServerResponse response, String feature, String job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", feature + " are not built yet: " + job + " has no handler, so nothing was enqueued");
        body.put("not_built", job);
        JsonResponses.send(response, Status.NOT_IMPLEMENTED_501, body);
    }
}
