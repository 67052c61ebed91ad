package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesCommand;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of docs/whatsapp.md, "Examples, normalised", normalised. */
class BaileysPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReceiveWhatsAppMessagesCommand parse(String body) throws Exception {
        return BaileysPayloads.parse(JSON.readTree(body), "trace");
    }

    @Test
    void plainTextMessage() throws Exception {
        IncomingWhatsAppMessage m = parse("""
                {"tenantId":"t_42","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":false,"id":"3EB0C431C26A1916E5D3A7"},
                  "messageTimestamp":1763853912,"pushName":"Maria Silva",
                  "message":{"conversation":"Oi, quero saber o preço do plano"}}]}}""").messages().get(0);
        assertEquals("3EB0C431C26A1916E5D3A7", m.id());
        assertEquals("conversation", m.kind());
        assertEquals(Optional.of("Oi, quero saber o preço do plano"), m.text());
        assertEquals(Optional.of(Instant.ofEpochSecond(1763853912)), m.sentAt());
        assertEquals(Optional.of("Maria Silva"), m.pushName());
        assertFalse(m.fromMe());
    }

    @Test
    void quotedReplyTakesTheExtendedText() throws Exception {
        IncomingWhatsAppMessage m = parse("""
                {"tenantId":"t_42","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":false,"id":"A5F3"},
                  "message":{"extendedTextMessage":{"text":"Pode me ligar amanhã?","contextInfo":{"stanzaId":"3EB0"}}}}]}}""")
                .messages().get(0);
        assertEquals("extendedTextMessage", m.kind());
        assertEquals(Optional.of("Pode me ligar amanhã?"), m.text());
    }

    @Test
    void historySyncWithLongTimestampAndImageCaption() throws Exception {
        ReceiveWhatsAppMessagesCommand c = parse("""
                {"tenantId":"t_42","payload":{"type":"append","messages":[{
                  "key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":true,"id":"3EB0AA11"},
                  "messageTimestamp":{"low":1763800000,"high":0,"unsigned":true},
                  "message":{"imageMessage":{"caption":"Segue a proposta","mimetype":"image/jpeg"}}}]}}""");
        IncomingWhatsAppMessage m = c.messages().get(0);
        assertFalse(c.live());
        assertTrue(m.fromMe());
        assertEquals("imageMessage", m.kind());
        assertEquals(Optional.of("Segue a proposta"), m.text());
        assertEquals(Optional.of(Instant.ofEpochSecond(1763800000)), m.sentAt());
    }

    @Test
    void lidChatKeepsThePhoneAlternate() throws Exception {
        IncomingWhatsAppMessage m = parse("""
                {"tenantId":"t_42","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"123456789012345@lid","remoteJidAlt":"5511999990000@s.whatsapp.net","addressingMode":"lid","id":"3A9F"},
                  "messageTimestamp":"1763854000","message":{"ephemeralMessage":{"message":{"conversation":"Ok"}}}}]}}""")
                .messages().get(0);
        assertEquals(Optional.of("5511999990000@s.whatsapp.net"), m.remoteJidAlt());
        assertEquals("conversation", m.kind(), "wrappers are unwrapped");
        assertEquals(Optional.of("Ok"), m.text());
    }

    @Test
    void wrongTypesAreRefusedWithThePath() {
        HttpProblem p = assertThrows(HttpProblem.class, () -> parse("""
                {"tenantId":"t","payload":{"messages":[{"key":{"remoteJid":"1@s.whatsapp.net","id":"a","fromMe":"yes"}}]}}"""));
        assertEquals("payload.messages[0].key.fromMe must be a boolean", p.getMessage());
        assertEquals(400, p.status().code());
        HttpProblem t = assertThrows(HttpProblem.class, () -> parse("""
                {"tenantId":"t","payload":{"messages":[{"key":{"remoteJid":"1@s.whatsapp.net","id":"a"},"messageTimestamp":-5}]}}"""));
        assertTrue(t.getMessage().startsWith("payload.messages[0].messageTimestamp"), t.getMessage());
    }

    @Test
    void tooManyMessagesAreRefused() {
        String one = "{\"key\":{\"remoteJid\":\"1@s.whatsapp.net\",\"id\":\"a\"}}";
        String body = "{\"tenantId\":\"t\",\"payload\":{\"messages\":[" + (one + ",").repeat(500) + one + "]}}";
        HttpProblem p = assertThrows(HttpProblem.class, () -> parse(body));
        assertTrue(p.getMessage().contains("1..500"), p.getMessage());
    }
}
