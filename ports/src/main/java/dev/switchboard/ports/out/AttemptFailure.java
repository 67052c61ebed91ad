package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;

/**
 * Why an attempt failed, as the store records it.
 *
 * @param error      one line, e.g. {@code java.lang.IllegalStateException: boom}
 * @param stackTrace the full trace (may be empty)
 * @param permanent  no retry, whatever the job's policy: straight to the failed registry
 * @param notBefore  least delay before a retry (the next attempt waits the longer of this and the
 *                   policy's interval); {@link Duration#ZERO} for the policy's own; at most
 *                   {@link #MAX_NOT_BEFORE}, a longer one is shortened to it
 */
public record AttemptFailure(String error, String stackTrace, boolean permanent, Duration notBefore) {
    public AttemptFailure {
        Objects.requireNonNull(error, "error");
        stackTrace = stackTrace == null ? "" : stackTrace;
        Objects.requireNonNull(notBefore, "notBefore");
        if (notBefore.isNegative()) {
            throw new IllegalArgumentException("notBefore must not be negative");
        }
        // Often a remote's Retry-After: a wait past a day is a day (and never overflows a store's arithmetic).
        if (notBefore.compareTo(MAX_NOT_BEFORE) > 0) {
            notBefore = MAX_NOT_BEFORE;
        }
    }

    /** The longest delay a failure may ask for: a day. */
    public static final Duration MAX_NOT_BEFORE = Duration.ofDays(1);

    /** An ordinary failure under the retry policy. */
    public static AttemptFailure of(String error, String stackTrace) {
        return new AttemptFailure(error, stackTrace, false, Duration.ZERO);
    }
}
