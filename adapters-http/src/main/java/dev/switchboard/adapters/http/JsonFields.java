package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads fields of a JSON request by shape only: an object with known fields, a string, a boolean,
 * an array of strings. A wrong shape is 400 naming the field's path. What a value may be (its
 * length, its format) is the command's to say, not this reader's.
 */
final class JsonFields {
    private JsonFields() {
    }

    /** {@code node} as an object holding only {@code allowed} fields. */
    static JsonNode object(JsonNode node, Set<String> allowed, String path) {
        if (node == null || !node.isObject()) {
            throw bad(path.isEmpty() ? "body must be a JSON object" : path + " must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw bad("unknown field '" + (path.isEmpty() ? "" : path + ".") + name + "'");
            }
        }
        return node;
    }

    static String requiredText(JsonNode node, String field, String path) {
        return optionalText(node, field, path).orElseThrow(() -> bad(path + " is required"));
    }

    static Optional<String> optionalText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw bad(path + " must be a string");
        }
        return Optional.of(value.asText());
    }

    static boolean optionalBoolean(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw bad(path + " must be a boolean");
        }
        return value.asBoolean();
    }

    /** An array of strings, at most {@code maxItems} (checked before reading them). */
    static List<String> textArray(JsonNode node, String field, String path, int maxItems) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw bad(path + " must be an array of strings");
        }
        if (value.size() > maxItems) {
            throw bad(path + " holds more than " + maxItems + " items");
        }
        List<String> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw bad(path + " must be an array of strings");
            }
            items.add(item.asText());
        }
        return items;
    }

    static HttpProblem bad(String reason) {
        return new HttpProblem(Status.BAD_REQUEST_400, reason);
    }
}
