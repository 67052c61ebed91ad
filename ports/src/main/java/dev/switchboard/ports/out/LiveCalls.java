package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Which calls some calls process is serving right now. A calls process marks its live calls again
 * and again, each mark lasting {@code ttl}; a process that dies stops marking, and its calls stop
 * being live when their last mark runs out. Marks live on the job store's clock, not a process's.
 */
public interface LiveCalls {

    /** One call of one business. */
    record Call(String businessId, String callSid) {
        public Call {
            Objects.requireNonNull(businessId, "businessId");
            Objects.requireNonNull(callSid, "callSid");
        }
    }

    /**
     * Marks {@code calls} live for {@code ttl} from now (renewing earlier marks), in one round trip.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    void markLive(Collection<Call> calls, Duration ttl);

    /**
     * Those of {@code calls} that are live now.
     *
     * @throws JobStoreUnavailableException when the store cannot be reached
     */
    Set<Call> live(Collection<Call> calls);
}
