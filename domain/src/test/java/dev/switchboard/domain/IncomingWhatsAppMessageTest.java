package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.InvalidCommandException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A customer's words are kept even when they hold what the CRM store cannot (the NUL character,
 * half of a surrogate pair): replaced by U+FFFD, so the message is recorded and answered instead of
 * failing its job on every attempt. Identifiers are refused instead: they must match exactly.
 */
class IncomingWhatsAppMessageTest {
    private static IncomingWhatsAppMessage message(String pushName, String text, String participant) {
        return new IncomingWhatsAppMessage("5511999990000@s.whatsapp.net", Optional.empty(),
                Optional.ofNullable(participant), "3EB0AA", false, Optional.empty(), Optional.of(pushName),
                "conversation", Optional.of(text));
    }

    @Test
    void freeTextTheStoreCannotHoldIsReplacedNotRefused() {
        IncomingWhatsAppMessage m = message("Ma\u0000ria", "oi\u0000 tudo bem? \ud83d\ude00 \ud800 fim\udc00", null);
        assertEquals("Ma\uFFFDria", m.pushName().orElseThrow());
        assertEquals("oi\uFFFD tudo bem? \ud83d\ude00 \uFFFD fim\uFFFD", m.text().orElseThrow(), "pairs kept, halves replaced");
        IncomingWhatsAppMessage plain = message("Maria", "oi", null);
        assertEquals("oi", plain.text().orElseThrow());
    }

    @Test
    void anIdentifierHoldingAControlCharacterIsRefused() {
        assertThrows(InvalidCommandException.class, () -> message("Maria", "oi", "5511\u0000@s.whatsapp.net"));
    }
}
