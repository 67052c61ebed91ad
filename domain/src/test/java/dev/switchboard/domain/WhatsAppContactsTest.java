package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhatsAppContactsTest {
    private static IncomingWhatsAppMessage from(String jid, String alt) {
        return new IncomingWhatsAppMessage(jid, Optional.ofNullable(alt), Optional.empty(), "id", false,
                Optional.empty(), Optional.empty(), "conversation", Optional.of("hi"));
    }

    @Test
    void phoneChatsAreKeyedByDigitsWithoutDevice() {
        assertEquals("5511999990000", WhatsAppContacts.contactOf(from("5511999990000@s.whatsapp.net", null)));
        assertEquals("5511999990000", WhatsAppContacts.contactOf(from("5511999990000:12@s.whatsapp.net", null)));
    }

    @Test
    void lidChatsUseThePhoneAlternateWhenGiven() {
        assertEquals("5511999990000",
                WhatsAppContacts.contactOf(from("123456789012345@lid", "5511999990000@s.whatsapp.net")));
        assertEquals("123456789012345@lid", WhatsAppContacts.contactOf(from("123456789012345@lid", null)));
    }

    @Test
    void broadcastsAndChannelsAreNotConversations() {
        assertFalse(WhatsAppContacts.isConversation("status@broadcast"));
        assertFalse(WhatsAppContacts.isConversation("12345@newsletter"));
        assertTrue(WhatsAppContacts.isConversation("5511999990000@s.whatsapp.net"));
        assertTrue(WhatsAppContacts.isConversation("120363000000@g.us"));
    }
}
