package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.out.LeadContact;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which person (lead contact) a WhatsApp message belongs to. */
class LeadContactOfMessageTest {

    private static IncomingWhatsAppMessage message(String jid, String alt, String participant, boolean fromMe) {
        return new IncomingWhatsAppMessage(jid, Optional.ofNullable(alt), Optional.ofNullable(participant), "3EB0AA",
                fromMe, Optional.of(Instant.ofEpochSecond(1_764_507_600L)), Optional.of("Ana Souza"),
                "conversation", Optional.of("Oi"));
    }

    private static LeadContact contact(IncomingWhatsAppMessage m) {
        return WhatsAppContacts.leadContact("biz-1", m).orElseThrow();
    }

    @Test
    void aPhoneChatGivesTheE164PhoneTheChatAndTheName() {
        LeadContact c = contact(message("5511999990000@s.whatsapp.net", null, null, false));
        assertEquals(Optional.of("+5511999990000"), c.phone());
        assertEquals(Optional.of("5511999990000@s.whatsapp.net"), c.whatsAppJid());
        assertEquals(Optional.empty(), c.lid());
        assertEquals(Optional.of("Ana Souza"), c.name());
        assertEquals("whatsapp", c.source());
    }

    @Test
    void aLidChatIsResolvedThroughItsAlternatePhoneJidAndKeepsTheLidAsAlias() {
        LeadContact c = contact(message("123456789012345@lid", "5511999990000@s.whatsapp.net", null, false));
        assertEquals(Optional.of("+5511999990000"), c.phone());
        assertEquals(Optional.of("123456789012345@lid"), c.lid());
        assertEquals(Optional.of("123456789012345@lid"), c.whatsAppJid(), "answer where the lead wrote");
    }

    @Test
    void aLidChatWithoutAlternateIsKnownByItsLidOnly() {
        LeadContact c = contact(message("123456789012345@lid", null, null, false));
        assertEquals(Optional.empty(), c.phone());
        assertEquals(Optional.of("123456789012345@lid"), c.lid());
    }

    @Test
    void aPhoneChatWithALidAlternateRecordsBoth() {
        LeadContact c = contact(message("5511999990000:12@s.whatsapp.net", "99887766@lid", null, false));
        assertEquals(Optional.of("+5511999990000"), c.phone(), "the device suffix is dropped");
        assertEquals(Optional.of("99887766@lid"), c.lid());
        assertEquals(Optional.of("5511999990000@s.whatsapp.net"), c.whatsAppJid(), "answer the user, not one device");
    }

    @Test
    void aGroupMessageBelongsToItsSenderNotToTheGroup() {
        LeadContact c = contact(message("120363012345678901@g.us", null, "5511888880000@s.whatsapp.net", false));
        assertEquals(Optional.of("+5511888880000"), c.phone());
        assertEquals(Optional.of("5511888880000@s.whatsapp.net"), c.whatsAppJid());
    }

    @Test
    void ourOwnMessagesDoNotNameTheLeadAfterUs() {
        assertEquals(Optional.empty(), contact(message("5511999990000@s.whatsapp.net", null, null, true)).name());
    }

    @Test
    void noPersonNoContact() {
        assertTrue(WhatsAppContacts.leadContact("biz-1", message("status@broadcast", null, null, false)).isEmpty());
        assertTrue(WhatsAppContacts.leadContact("biz-1", message("120363@g.us", null, null, false)).isEmpty());
        assertTrue(WhatsAppContacts.leadContact("biz-1", message("abc@s.whatsapp.net", null, null, false)).isEmpty());
        assertTrue(WhatsAppContacts.leadContact("biz-1", message("123@newsletter", null, null, false)).isEmpty());
    }
}
