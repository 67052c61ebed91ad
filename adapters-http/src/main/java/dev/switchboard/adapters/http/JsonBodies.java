package dev.switchboard.adapters.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.ports.in.Identifiers;
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

    /**
     * The body's JSON, refused with a 400 when any text in it (a value or a field name) holds the
     * NUL character or half of a surrogate pair: PostgreSQL's text refuses the one and the driver
     * silently writes the other as '?', so neither can be stored as sent.
     */
    static JsonNode read(ServerRequest request) {
        JsonNode body = readAnyText(request);
        requireStorableText(body, "");
        return body;
    }

    /**
     * The body's JSON with any text in it, for a caller that makes its free text storable itself
     * (a WhatsApp message is a stranger's text: kept with such characters replaced, not refused).
     */
    static JsonNode readAnyText(ServerRequest request) {
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

    private static void requireStorableText(JsonNode node, String path) {
        if (node.isTextual()) {
            requireStorable(node.textValue(), path.isEmpty() ? "the body" : path);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireStorableText(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                requireStorable(field.getKey(), "a field name");
                requireStorableText(field.getValue(), name);
            }
        }
    }

    /** Refuses (400) text holding the NUL character or half of a surrogate pair; {@code where} names it. */
    static void requireStorable(String text, String where) {
        int at = Identifiers.firstUnstorable(text);
        if (at >= 0) {
            throw new HttpProblem(Status.BAD_REQUEST_400, text.charAt(at) == '\0'
                    ? where + " must not contain the NUL character (\\u0000)"
                    : where + " must be valid Unicode (it holds half of a surrogate pair)");
        }
    }
}
