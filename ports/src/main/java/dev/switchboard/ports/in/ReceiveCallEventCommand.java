package dev.switchboard.ports.in;

import java.util.Objects;
import java.util.Optional;

/**
 * A call event whose sender was authenticated (for Twilio: a valid {@code X-Twilio-Signature}).
 *
 * @param event               what happened
 * @param callbackBusinessId  the business the callback URL itself names ({@code ?business_id=}),
 *                            for callbacks that carry no phone number (recording callbacks); the
 *                            URL is covered by the signature, so this comes from whoever configured
 *                            the callback, not from the caller
 * @param traceId             the trace id of the HTTP request
 */
public record ReceiveCallEventCommand(CallEvent event, Optional<String> callbackBusinessId, String traceId) {
    public ReceiveCallEventCommand {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(callbackBusinessId, "callbackBusinessId");
        Objects.requireNonNull(traceId, "traceId");
    }
}
