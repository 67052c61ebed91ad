package dev.switchboard.ports.out;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A text to send on WhatsApp.
 *
 * @param tenantId        the business, as the gateway knows it
 * @param to              a full JID: {@code …@s.whatsapp.net}, {@code …@lid} or {@code …@g.us}
 * @param text            1..4096 characters
 * @param clientMessageId our id for this message, stable across retries (the gateway's idempotency key)
 */
public record OutgoingWhatsAppMessage(String tenantId, String to, String text, String clientMessageId) {
    public static final Pattern JID = Pattern.compile(
            "[0-9]{6,20}@s\\.whatsapp\\.net|[0-9]{6,20}@lid|[0-9-]{10,40}@g\\.us");
    public static final int MAX_TEXT = 4096;

    public OutgoingWhatsAppMessage {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(clientMessageId, "clientMessageId");
        if (!JID.matcher(to).matches()) {
            throw new IllegalArgumentException("'to' must be a WhatsApp JID, was '" + to + "'");
        }
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("text must be 1.." + MAX_TEXT + " characters");
        }
        if (clientMessageId.isBlank() || clientMessageId.length() > 200) {
            throw new IllegalArgumentException("clientMessageId must be 1..200 characters");
        }
    }
}
