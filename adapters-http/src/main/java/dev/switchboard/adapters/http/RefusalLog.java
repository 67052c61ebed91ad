package dev.switchboard.adapters.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs refusals that can repeat thousands of times a second (wrong signatures, an unreachable
 * Redis) at most once per interval and kind, with how many were folded into the line: a flood
 * costs one line a minute, not a disk. Starts no thread: the count is reported by the first
 * refusal after the interval.
 */
final class RefusalLog {
    /** Longest text of a request (URL, path) copied into a log line. */
    static final int MAX_LOGGED_TEXT = 200;

    private record Window(long startedNanos, long folded) { }

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RefusalLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RefusalLog(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code message} when no refusal of this {@code kind} was logged during the interval
     * (saying how many were left out since), and only counts it otherwise.
     */
    void refused(Level level, String kind, Supplier<String> message) {
        long now = nanoTime.getAsLong();
        long[] foldedBefore = {-1};
        windows.compute(kind, (k, window) -> {
            if (window == null || now - window.startedNanos() >= intervalNanos) {
                foldedBefore[0] = window == null ? 0 : window.folded();
                return new Window(now, 0);
            }
            return new Window(window.startedNanos(), window.folded() + 1);
        });
        if (foldedBefore[0] >= 0 && log.isLoggable(level)) {
            String more = foldedBefore[0] == 0 ? ""
                    : " (and " + foldedBefore[0] + " more like it since the last such line)";
            log.log(level, message.get() + more);
        }
    }

    /** {@code text} cut to {@link #MAX_LOGGED_TEXT} characters, so a client cannot fill the log. */
    static String truncated(String text) {
        if (text == null || text.length() <= MAX_LOGGED_TEXT) {
            return text;
        }
        return text.substring(0, MAX_LOGGED_TEXT) + "...(" + text.length() + " chars)";
    }
}
