package dev.switchboard.adapters.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/** Writes JSON bodies, including the {@code {"error": ...}} shape of every refusal. */
final class JsonResponses {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonResponses() {
    }

    static void send(ServerResponse response, Status status, Object body) {
        sendBytes(response, status, bytes(body));
    }

    static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends an already serialized JSON body. */
    static void sendBytes(ServerResponse response, Status status, byte[] bytes) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(bytes);
    }

    static void error(ServerResponse response, Status status, String reason) {
        send(response, status, Map.of("error", reason));
    }
}
