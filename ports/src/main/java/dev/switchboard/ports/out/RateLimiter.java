package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Optional;

/**
 * How much work each business may put on the shared queues: a token bucket per business, so one
 * tenant's flood cannot fill Redis or starve the others.
 */
public interface RateLimiter {

    /**
     * Takes {@code cost} tokens (jobs) from the business's bucket when it holds them.
     *
     * @return empty when taken; otherwise how long until the bucket would hold {@code cost}
     *     (never, for a cost above the bucket's size: then {@link Duration#ZERO} is never
     *     returned, the wait is the time a full bucket takes)
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    Optional<Duration> tryTake(String businessId, int cost);

    /** No limit: every take succeeds (BUSINESS_RATE_LIMIT=0). */
    RateLimiter UNLIMITED = (businessId, cost) -> Optional.empty();
}
