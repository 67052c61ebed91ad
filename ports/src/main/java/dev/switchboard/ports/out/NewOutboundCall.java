package dev.switchboard.ports.out;

import java.util.Objects;
import java.util.Optional;

/** An outbound call to store as requested (see {@link OutboundCall} for the fields). */
public record NewOutboundCall(String businessId, String requestId, String toNumber, String fromNumber,
                              Optional<String> leadId, String twiml, String statusCallback) {
    public NewOutboundCall {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(toNumber, "toNumber");
        Objects.requireNonNull(fromNumber, "fromNumber");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(twiml, "twiml");
        Objects.requireNonNull(statusCallback, "statusCallback");
    }
}
