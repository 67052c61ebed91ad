package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message in a lead's conversation history.
 *
 * @param businessId the business the conversation belongs to
 * @param contact    the lead's phone number (digits) or, when WhatsApp hides it, the chat id
 * @param messageId  the channel's message id; recording the same id twice changes nothing
 * @param sentAt     when the message was sent, if the channel said
 * @param fromMe     true for messages the business sent
 * @param kind       the content type, e.g. {@code conversation}, {@code imageMessage}
 * @param text       the text or caption, if any
 * @param senderName the sender's display name, if any
 */
public record ConversationEntry(
        String businessId,
        String contact,
        String messageId,
        Optional<Instant> sentAt,
        boolean fromMe,
        String kind,
        Optional<String> text,
        Optional<String> senderName) {

    public ConversationEntry {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(senderName, "senderName");
    }
}
