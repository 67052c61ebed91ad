package dev.switchboard.domain;

import dev.switchboard.ports.in.Identifiers;
import dev.switchboard.ports.in.InvalidCommandException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one rule for text the CRM store cannot keep as given, and the identifiers' stricter one. */
class IdentifiersTest {
    private static final String PAIR = "\uD83D\uDE00"; // 😀: a high and a low surrogate, well formed

    @Test
    void findsTheFirstNulOrLoneHalfOfASurrogatePairAndNothingElse() {
        assertEquals(-1, Identifiers.firstUnstorable(""));
        assertEquals(-1, Identifiers.firstUnstorable("Olá\n\tmundo " + PAIR + " \u2028 fim"), "free text keeps the rest");
        assertEquals(3, Identifiers.firstUnstorable("abc\0def"));
        assertEquals(2, Identifiers.firstUnstorable(PAIR + "\uD83D"), "a high half at the end");
        assertEquals(1, Identifiers.firstUnstorable("a\uDE00" + PAIR), "a low half alone");
        assertEquals(0, Identifiers.firstUnstorable("\uDE00\uD83D"), "halves in the wrong order are two lone halves");
    }

    @Test
    void storableReplacesEachBadCharacterAndKeepsPairsAndGoodTextAsItIs() {
        String fine = "Oi " + PAIR + ", tudo bem?";
        assertSame(fine, Identifiers.storable(fine), "nothing to replace: the same string");
        assertEquals("a\uFFFDb" + PAIR + "\uFFFD\uFFFD", Identifiers.storable("a\0b" + PAIR + "\uDE00\uD83D"));
        assertEquals("\uFFFD", Identifiers.storable("\uD83D"));
    }

    @Test
    void identifiersRefuseControlCharactersAndLoneHalvesWithTheNameInTheReason() {
        Identifiers.requireWellFormed("key.id", "3EB0" + PAIR);
        assertTrue(assertThrows(InvalidCommandException.class, () -> Identifiers.requireWellFormed("key.id", "a\nb"))
                .getMessage().startsWith("key.id must not contain control characters"));
        assertTrue(assertThrows(InvalidCommandException.class, () -> Identifiers.requireWellFormed("key.id", "a\0b"))
                .getMessage().startsWith("key.id must not contain control characters"));
        assertTrue(assertThrows(InvalidCommandException.class, () -> Identifiers.requireWellFormed("user_id", "\uD83Da"))
                .getMessage().contains("half of a surrogate pair"));
    }
}
