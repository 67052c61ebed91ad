package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How often a failed job is tried again and how long to wait before each retry, in the shape of
 * python-rq's {@code Retry(max=3, interval=[10, 30, 60])}, with python-rq's rule for picking the
 * interval: retry number {@code n} (1-based) waits {@code intervals[max(len - (max - n + 1), 0)]},
 * so when there are fewer intervals than retries the <em>first</em> interval repeats at the start.
 * Give one interval per retry to get exactly the waits listed.
 */
public record RetryPolicy(int max, List<Duration> intervals) {
    public static final RetryPolicy NONE = new RetryPolicy(0, List.of());

    public RetryPolicy {
        if (max < 0) {
            throw new IllegalArgumentException("retry max must be >= 0, was " + max);
        }
        intervals = List.copyOf(Objects.requireNonNull(intervals, "intervals"));
        for (Duration interval : intervals) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("retry intervals must not be negative: " + interval);
            }
        }
    }

    public static RetryPolicy of(int max, Duration... intervals) {
        return new RetryPolicy(max, List.of(intervals));
    }
}
