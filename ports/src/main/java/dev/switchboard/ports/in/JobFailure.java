package dev.switchboard.ports.in;

import java.time.Duration;
import java.util.Optional;

/**
 * A job handler's verdict on a failed attempt, when the job's retry policy alone would decide
 * wrongly. {@link #permanent}: trying again cannot help (the gateway refused the message as
 * invalid), so the job goes to the failed registry at once, where an operator can requeue it.
 * {@link #retryAfter}: try again per the retry policy, but not before the delay the remote side
 * asked for. Any other exception is an ordinary failure under the retry policy.
 */
public final class JobFailure extends RuntimeException {
    private final boolean permanent;
    private final transient Optional<Duration> notBefore;

    private JobFailure(String message, Throwable cause, boolean permanent, Optional<Duration> notBefore) {
        super(message, cause);
        this.permanent = permanent;
        this.notBefore = notBefore;
    }

    /** Fail now, without retries. */
    public static JobFailure permanent(String message, Throwable cause) {
        return new JobFailure(message, cause, true, Optional.empty());
    }

    /** Retry per the policy, waiting at least {@code delay} when given. */
    public static JobFailure retryAfter(String message, Throwable cause, Optional<Duration> delay) {
        return new JobFailure(message, cause, false, delay);
    }

    public boolean permanent() {
        return permanent;
    }

    /** The least delay before the next attempt, when the remote side asked for one. */
    public Optional<Duration> notBefore() {
        return notBefore;
    }
}
