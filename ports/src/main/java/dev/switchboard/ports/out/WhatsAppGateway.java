package dev.switchboard.ports.out;

/** Sends WhatsApp messages through the business's gateway (docs/whatsapp.md). */
public interface WhatsAppGateway {

    /**
     * Sends a text message. Idempotent per {@code clientMessageId}: the gateway answers a repeat
     * with the message it already sent, so a retry after a lost answer sends nothing new.
     *
     * @throws WhatsAppSendException when the message was not (known to be) sent
     */
    SentWhatsAppMessage send(OutgoingWhatsAppMessage message);
}
