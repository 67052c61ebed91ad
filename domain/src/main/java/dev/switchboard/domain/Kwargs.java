package dev.switchboard.domain;

import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of a job's JSON-shaped keyword arguments, with errors that name the argument.
 * A malformed job fails with a clear message instead of a ClassCastException.
 */
final class Kwargs {
    private final Map<String, Object> values;

    Kwargs(Map<String, Object> values) {
        this.values = values;
    }

    String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    Optional<String> optionalString(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        throw wrongType(name, "a string", value);
    }

    boolean bool(String name) {
        Object value = values.get(name);
        if (value instanceof Boolean b) {
            return b;
        }
        throw value == null ? missing(name) : wrongType(name, "a boolean", value);
    }

    Optional<Long> optionalLong(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n) {
            return Optional.of(n.longValue());
        }
        throw wrongType(name, "a number", value);
    }

    Kwargs map(String name) {
        Object value = values.get(name);
        if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) m;
            return new Kwargs(typed);
        }
        throw value == null ? missing(name) : wrongType(name, "an object", value);
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("job argument '" + name + "' is missing");
    }

    private static IllegalArgumentException wrongType(String name, String expected, Object value) {
        return new IllegalArgumentException("job argument '" + name + "' must be " + expected
                + ", was " + value.getClass().getSimpleName());
    }
}
