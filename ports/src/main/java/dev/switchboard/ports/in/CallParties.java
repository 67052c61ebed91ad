package dev.switchboard.ports.in;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is on a call, as the telephony provider reports it.
 *
 * @param from      the caller: E.164 ({@code +5511…}), {@code client:name}, a SIP URI or {@code anonymous}
 * @param to        the called party, in the same forms
 * @param direction {@code inbound}, {@code outbound-api}, {@code outbound-dial} (or {@code trunking-*}),
 *                  when the provider said
 */
public record CallParties(Optional<String> from, Optional<String> to, Optional<String> direction) {
    public CallParties {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(direction, "direction");
    }

    /** No party known: the event does not say (recording callbacks). */
    public static CallParties unknown() {
        return new CallParties(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
