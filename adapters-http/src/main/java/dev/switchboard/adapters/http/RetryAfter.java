package dev.switchboard.adapters.http;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code Retry-After} in both of RFC 9110's forms, delay-seconds or an HTTP-date, at most a day. */
final class RetryAfter {
    private RetryAfter() {
    }

    /** The longest wait a remote may ask for; a longer one (or one too large to count) is this. */
    static final Duration MAX = Duration.ofDays(1);

    static Optional<Duration> of(HttpResponse<?> response, Clock clock) {
        return of(response.headers().firstValue("retry-after"), clock);
    }

    static Optional<Duration> of(Optional<String> header, Clock clock) {
        Optional<String> value = header.map(String::strip);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        String v = value.get();
        if (v.chars().allMatch(Character::isDigit)) {
            // More digits than a long holds is a wait longer than any we keep.
            return Optional.of(v.length() > 12 ? MAX : capped(Duration.ofSeconds(Long.parseLong(v))));
        }
        try {
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : capped(d));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration capped(Duration wait) {
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
