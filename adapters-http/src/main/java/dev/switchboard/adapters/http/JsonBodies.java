package dev.switchboard.adapters.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads a JSON request body with the checks every endpoint needs: the content type, a size
 * limit enforced while reading (a lying or absent Content-Length cannot get past it), and a
 * strict parser (no duplicate keys, bounded nesting).
 */
final class JsonBodies {
    static final int MAX_BYTES = 1024 * 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_BYTES).build());
    }

    private JsonBodies() {
    }

    static JsonNode read(ServerRequest request) {
        HttpMediaType type = request.headers().contentType()
                .orElseThrow(() -> new HttpProblem(Status.UNSUPPORTED_MEDIA_TYPE_415,
                        "Content-Type must be application/json"));
        if (!type.mediaType().text().equalsIgnoreCase("application/json")) {
            throw new HttpProblem(Status.UNSUPPORTED_MEDIA_TYPE_415, "Content-Type must be application/json");
        }
        byte[] body = RequestBodies.read(request, MAX_BYTES, "request body is larger than 1 MiB");
        if (body.length == 0) {
            throw new HttpProblem(Status.BAD_REQUEST_400, "request body is empty");
        }
        try {
            return STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpProblem(Status.BAD_REQUEST_400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


}
