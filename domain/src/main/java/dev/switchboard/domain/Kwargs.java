package dev.switchboard.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of a job's JSON-shaped keyword arguments, with errors that name the argument, and
 * the builder the job codecs write them with. A malformed job fails with a clear message instead
 * of a ClassCastException.
 */
public final class Kwargs {
    private final Map<String, Object> values;

    Kwargs(Map<String, Object> values) {
        this.values = values;
    }

    /** Starts a kwargs map; absent optionals are left out (the job store refuses null values). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds the keyword arguments of a job, in field order. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String name, Object value) {
            values.put(name, java.util.Objects.requireNonNull(value, name));
            return this;
        }

        public Builder put(String name, Optional<?> value) {
            value.ifPresent(v -> values.put(name, v));
            return this;
        }

        public Map<String, Object> build() {
            return values;
        }
    }

    public String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        throw wrongType(name, "a string", value);
    }

    public boolean bool(String name) {
        Object value = values.get(name);
        if (value instanceof Boolean b) {
            return b;
        }
        throw value == null ? missing(name) : wrongType(name, "a boolean", value);
    }

    public boolean bool(String name, boolean fallback) {
        return values.get(name) == null ? fallback : bool(name);
    }

    public Optional<Long> optionalLong(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n) {
            return Optional.of(n.longValue());
        }
        throw wrongType(name, "a number", value);
    }

    public long longValue(String name) {
        return optionalLong(name).orElseThrow(() -> missing(name));
    }

    public Kwargs map(String name) {
        Object value = values.get(name);
        if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) m;
            return new Kwargs(typed);
        }
        throw value == null ? missing(name) : wrongType(name, "an object", value);
    }

    public List<String> strings(String name) {
        Object value = values.get(name);
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw wrongType(name, "a list of strings", item == null ? "null" : item);
                }
                out.add(s);
            }
            return out;
        }
        throw value == null ? missing(name) : wrongType(name, "a list", value);
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("job argument '" + name + "' is missing");
    }

    private static IllegalArgumentException wrongType(String name, String expected, Object value) {
        return new IllegalArgumentException("job argument '" + name + "' must be " + expected
                + ", was " + value.getClass().getSimpleName());
    }
}
