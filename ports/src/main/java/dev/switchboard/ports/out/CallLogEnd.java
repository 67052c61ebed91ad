package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a call ended.
 *
 * @param outcome         one of {@link CallLog#OUTCOMES}
 * @param endedAt         when; empty: at the call's last sign of life in the store (its latest
 *                        turn, else its start), for a call whose end nobody saw
 * @param durationSeconds as the provider measured it; empty: from start to end
 */
public record CallLogEnd(String outcome, Optional<Instant> endedAt, Optional<Integer> durationSeconds) {
    public CallLogEnd {
        Objects.requireNonNull(outcome, "outcome");
        if (!CallLog.OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("outcome must be one of " + CallLog.OUTCOMES + ", was '" + outcome + "'");
        }
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(durationSeconds, "durationSeconds");
        durationSeconds.ifPresent(d -> {
            if (d < 0) {
                throw new IllegalArgumentException("duration must not be negative");
            }
        });
    }
}
