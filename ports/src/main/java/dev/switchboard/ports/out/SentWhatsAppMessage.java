package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the gateway has sent.
 *
 * @param messageId     WhatsApp's id of the sent message ({@code 3EB0…})
 * @param remoteJid     the chat it went to, as the gateway resolved it
 * @param at            when it was sent
 * @param alreadySent   true when the gateway had sent it before under the same client id
 */
public record SentWhatsAppMessage(String messageId, String remoteJid, Instant at, boolean alreadySent) {
    public SentWhatsAppMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(remoteJid, "remoteJid");
        Objects.requireNonNull(at, "at");
    }
}
