package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.AttemptFailure;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A business's webhook receiver or a push service says how long to wait. Whatever it says, the
 * wait is at most a day: a huge number once overflowed the job store's arithmetic (the attempt's
 * end was never recorded, so the job ran, and sent, again), and a far-future date parked the job.
 */
class RetryAfterTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

    private static Optional<Duration> of(String header) {
        return RetryAfter.of(Optional.of(header), NOW);
    }

    @Test
    void secondsAndDatesAreTakenUpToADay() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), of("120"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), of("Tue, 01 Dec 2026 12:05:00 GMT"));
        assertEquals(Optional.of(Duration.ZERO), of("Tue, 01 Dec 2026 11:00:00 GMT"), "a date past is now");
        assertEquals(Optional.empty(), of("soon"));
        assertEquals(Optional.empty(), RetryAfter.of(Optional.empty(), NOW));
    }

    @Test
    void aLongerWaitIsADay() {
        assertEquals(Optional.of(Duration.ofDays(1)), of("999999999999999999"));
        assertEquals(Optional.of(Duration.ofDays(1)), of("99999999999999999999999999"), "more than a long holds");
        assertEquals(Optional.of(Duration.ofDays(1)), of("Fri, 31 Dec 9999 23:59:59 GMT"));
    }

    @Test
    void anAttemptFailureAsksForADayAtMost() {
        AttemptFailure failure = new AttemptFailure("429", "", false, Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Duration.ofDays(1), failure.notBefore());
        failure.notBefore().toMillis();   // the store's arithmetic: no overflow
    }
}
