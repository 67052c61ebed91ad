package dev.switchboard.ports.in;

import java.util.Objects;
import java.util.Optional;

/**
 * Twilio reported the status of a call we placed, and its (signed) status callback URL names the
 * outbound request it was placed for ({@code ?outbound=<request_id>}): the call exists, so a request
 * whose placement was left uncertain ({@code unknown}, or still {@code placing}) becomes
 * {@code placed} with the call's sid. A request in any other state is never moved; one business's
 * callback never touches another's request.
 */
public interface SettleOutboundCallUseCase {

    /**
     * What the callback did.
     *
     * @param settled    true when this callback moved the request to {@code placed}
     * @param businessId the business whose request it was, when one was found
     * @param outcome    what happened, for the answer and the log
     */
    record Settlement(boolean settled, Optional<String> businessId, String outcome) {
        public Settlement {
            Objects.requireNonNull(businessId, "businessId");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** @param requestId the {@code outbound} parameter of the callback's URL */
    Settlement callReported(String requestId, CallEvent.CallStatusChanged event);
}
