package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one delivery to a URL a business or a browser gave us (a push endpoint, a
 * webhook endpoint). Typed, because each answer asks the caller for a different action.
 */
public sealed interface DeliveryOutcome {

    /** The remote side took it (2xx). */
    record Delivered(int status) implements DeliveryOutcome { }

    /**
     * The remote side says the address is dead and will stay so (push: 404/410, the subscription
     * expired or was revoked; webhook: 410, the receiver wants no more): deactivate it, never retry.
     */
    record Gone(int status) implements DeliveryOutcome { }

    /**
     * Not delivered, and trying again later may work (429, 5xx, a timeout, a refused connection).
     *
     * @param status     the HTTP status, or 0 when there was no answer
     * @param retryAfter the least wait the remote side asked for ({@code Retry-After})
     */
    record RetryLater(String reason, int status, Optional<Duration> retryAfter) implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * Not delivered, and the same request will never be (another 4xx, a refused destination, a
     * payload too large): fail, keep it visible, let an operator requeue after fixing the cause.
     *
     * @param status the HTTP status, or 0 when the request was never sent
     */
    record Rejected(String reason, int status) implements DeliveryOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
