package dev.switchboard.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReminderPushesTest {
    private static final Instant DUE = Instant.parse("2026-11-30T15:00:00Z");

    private static OptionalInt at(String beforeDue) {
        return ReminderPushes.offsetAt(DUE, DUE.minus(Duration.parse(beforeDue)));
    }

    @Test
    void thirtyThenFifteenMinutesBefore() {
        assertEquals(OptionalInt.empty(), at("PT30M1S"));
        assertEquals(OptionalInt.of(30), at("PT30M"));
        assertEquals(OptionalInt.of(30), at("PT15M1S"));
        assertEquals(OptionalInt.of(15), at("PT15M"));
        assertEquals(OptionalInt.of(15), at("PT0S"));
    }

    @Test
    void aFewMinutesOverdueIsStillPushedButNotLater() {
        assertEquals(OptionalInt.of(15), at("-PT5M"));
        assertEquals(OptionalInt.empty(), at("-PT5M1S"));
    }

    /** Ticks every minute from creation: the offsets pushed, in order, with "once" from the log. */
    private static List<Integer> pushedWhenCreated(Duration beforeDue) {
        Set<Integer> log = new LinkedHashSet<>();
        List<Integer> pushed = new ArrayList<>();
        for (Instant now = DUE.minus(beforeDue); now.isBefore(DUE.plus(Duration.ofMinutes(10))); now = now.plusSeconds(60)) {
            OptionalInt offset = ReminderPushes.offsetAt(DUE, now);
            if (offset.isPresent() && log.add(offset.getAsInt())) {
                pushed.add(offset.getAsInt());
            }
        }
        return pushed;
    }

    @Test
    void aReminderCreatedLessThanFifteenMinutesAheadGetsOnePush() {
        assertEquals(List.of(15), pushedWhenCreated(Duration.ofMinutes(10)));
        assertEquals(List.of(15), pushedWhenCreated(Duration.ofSeconds(20)));
    }

    @Test
    void aReminderCreatedEarlyGetsBothPushes() {
        assertEquals(List.of(30, 15), pushedWhenCreated(Duration.ofHours(2)));
        assertEquals(List.of(30, 15), pushedWhenCreated(Duration.ofMinutes(20)));
    }
}
