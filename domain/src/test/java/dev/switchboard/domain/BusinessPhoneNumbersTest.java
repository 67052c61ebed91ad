package dev.switchboard.domain;

import dev.switchboard.ports.in.CallParties;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BusinessPhoneNumbersTest {
    private static final BusinessPhoneNumbers NUMBERS =
            new BusinessPhoneNumbers(Map.of("+15550001111", "biz-1", "+15550002222", "biz-2"));

    private static CallParties parties(String from, String to, String direction) {
        return new CallParties(Optional.ofNullable(from), Optional.ofNullable(to), Optional.ofNullable(direction));
    }

    @Test
    void anInboundCallBelongsToTheBusinessOfTheCalledNumber() {
        assertEquals(Optional.of("biz-2"), NUMBERS.ownerOf(parties("+15557770000", "+15550002222", "inbound")));
    }

    @Test
    void aCallWithoutDirectionCountsAsInbound() {
        assertEquals(Optional.of("biz-1"), NUMBERS.ownerOf(parties("+15557770000", "+15550001111", null)));
    }

    @Test
    void aCallWePlacedBelongsToTheBusinessOfTheCallerId() {
        assertEquals(Optional.of("biz-1"), NUMBERS.ownerOf(parties("+15550001111", "+15557770000", "outbound-api")));
        assertEquals(Optional.of("biz-1"), NUMBERS.ownerOf(parties("+15550001111", "+15557770000", "outbound-dial")));
    }

    @Test
    void theLeadsNumberNeverDecidesTheBusiness() {
        // inbound from one of our numbers to an unknown one: the caller's side is not ours
        assertEquals(Optional.empty(), NUMBERS.ownerOf(parties("+15550001111", "+15559990000", "inbound")));
        assertEquals(Optional.empty(), NUMBERS.ownerOf(parties("+15559990000", "+15550001111", "outbound-api")));
    }

    @Test
    void anEventWithoutNumbersHasNoOwner() {
        assertEquals(Optional.empty(), NUMBERS.ownerOf(CallParties.unknown()));
    }

    @Test
    void knowsWhichBusinessesHaveNumbers() {
        assertTrue(NUMBERS.hasBusiness("biz-1"));
        assertFalse(NUMBERS.hasBusiness("biz-3"));
        assertTrue(BusinessPhoneNumbers.none().isEmpty());
    }

    @Test
    void blankEntriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BusinessPhoneNumbers(Map.of("+1555", " ")));
    }
}
