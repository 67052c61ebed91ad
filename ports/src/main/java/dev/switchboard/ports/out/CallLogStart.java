package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of a call when its log is opened: enough to create the log from any job that
 * learns of the call first.
 *
 * @param direction {@code inbound} or {@code outbound}
 * @param streamSid the media stream carrying the call, when a stream opened the log
 */
public record CallLogStart(String businessId, String callSid, String direction, Optional<String> fromNumber,
                           Optional<String> toNumber, Optional<String> streamSid, Instant startedAt) {
    public CallLogStart {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        if (businessId.isBlank() || callSid.isBlank()) {
            throw new IllegalArgumentException("a call log needs a business and a call sid");
        }
        Objects.requireNonNull(direction, "direction");
        if (!direction.equals("inbound") && !direction.equals("outbound")) {
            throw new IllegalArgumentException("direction must be inbound or outbound, was '" + direction + "'");
        }
        Objects.requireNonNull(fromNumber, "fromNumber");
        Objects.requireNonNull(toNumber, "toNumber");
        Objects.requireNonNull(streamSid, "streamSid");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
