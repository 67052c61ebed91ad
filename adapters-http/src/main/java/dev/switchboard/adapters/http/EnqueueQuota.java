package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.RateLimiter;
import io.helidon.http.Status;

import java.time.Duration;
import java.util.Optional;

/**
 * The per-business rate limit every enqueueing route applies before it enqueues: a request that
 * would enqueue more jobs than the business's bucket holds is 429 with {@code Retry-After}, and
 * nothing of it is enqueued.
 */
public final class EnqueueQuota {
    public static final EnqueueQuota UNLIMITED = new EnqueueQuota(RateLimiter.UNLIMITED);

    private final RateLimiter limiter;

    public EnqueueQuota(RateLimiter limiter) {
        this.limiter = limiter;
    }

    void take(String businessId, int jobs) {
        if (jobs <= 0) {
            return;
        }
        Optional<Duration> wait = limiter.tryTake(businessId, jobs);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new HttpProblem(Status.TOO_MANY_REQUESTS_429, "rate limit: this business may enqueue fewer jobs"
                    + " per second; retry after " + seconds + " s", Optional.of(seconds));
        }
    }
}
