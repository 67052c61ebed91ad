package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a lead's conversation, in either direction.
 *
 * @param messageId  the channel's id; unique per business, so recording it twice changes nothing
 * @param direction  who wrote it
 * @param channel    {@code whatsapp}, …
 * @param kind       the content type, e.g. {@code conversation}, {@code imageMessage}, {@code text}
 * @param text       the text or caption, if any
 * @param at         when it was sent
 * @param authorName the sender's display name, if known
 */
public record ChatMessage(String businessId, String leadId, String messageId, Direction direction,
                          String channel, String kind, Optional<String> text, Instant at,
                          Optional<String> authorName) {

    /** Inbound: the lead wrote it. Outbound: the business (or its agent) did. */
    public enum Direction { INBOUND, OUTBOUND }

    public ChatMessage {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(authorName, "authorName");
    }
}
