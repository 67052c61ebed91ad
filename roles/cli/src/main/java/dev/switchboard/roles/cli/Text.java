package dev.switchboard.roles.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** How times and ages read for people ({@code 4m05s}) and for scripts (ISO-8601, seconds). */
final class Text {
    private Text() {
    }

    /** {@code 850ms}, {@code 12s}, {@code 4m05s}, {@code 3h07m}, {@code 2d04h}. */
    static String age(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toSeconds() < 1) {
            return d.toMillis() + "ms";
        }
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + "m" + String.format("%02ds", d.toSecondsPart());
        }
        if (d.toDays() < 1) {
            return d.toHours() + "h" + String.format("%02dm", d.toMinutesPart());
        }
        return d.toDays() + "d" + String.format("%02dh", d.toHoursPart());
    }

    static String age(Optional<Duration> d) {
        return d.map(Text::age).orElse("-");
    }

    static String ago(Optional<Instant> when, Instant now) {
        return when.map(w -> w.truncatedTo(ChronoUnit.SECONDS) + " (" + age(Duration.between(w, now)) + " ago)")
                .orElse("never");
    }

    static Object seconds(Optional<Duration> d) {
        return d.map(Text::seconds).orElse(null);
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static Object iso(Optional<Instant> when) {
        return when.map(Instant::toString).orElse(null);
    }

    /** The first line of an error text (a stack trace follows it). */
    static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
