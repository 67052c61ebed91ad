package dev.switchboard.roles.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as operators write them: {@code 200ms}, {@code 15s}, {@code 10m}, {@code 1h}, or plain seconds. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private Durations() {
    }

    public static Duration parse(String name, String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigException(name + " must be a duration like 200ms, 15s, 10m or 1h, was '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
