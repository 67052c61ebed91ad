package dev.switchboard.ports.in;

import java.util.Map;
import java.util.Objects;

/**
 * The {@code start} of a media stream.
 *
 * @param streamSid        the provider's id of the stream; every outbound message names it
 * @param callSid          the call's id
 * @param customParameters what the voice webhook put in the stream's TwiML (names in
 *                         {@code CallStreamParameters}): the business, the caller, the trace
 */
public record MediaStreamStart(String streamSid, String callSid, Map<String, String> customParameters) {
    public MediaStreamStart {
        Objects.requireNonNull(streamSid, "streamSid");
        Objects.requireNonNull(callSid, "callSid");
        customParameters = Map.copyOf(customParameters);
    }
}
