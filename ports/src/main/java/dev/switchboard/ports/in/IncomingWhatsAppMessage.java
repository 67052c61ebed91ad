package dev.switchboard.ports.in;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message from the WhatsApp gateway, already normalised from the gateway's wire format.
 *
 * @param remoteJid    the chat id, e.g. {@code 5511999990000@s.whatsapp.net}
 * @param remoteJidAlt the other addressing form of a 1:1 chat (phone JID for a LID chat), if sent
 * @param participant  the sender inside a group, if any
 * @param id           the message id
 * @param fromMe       true when our own number sent it
 * @param sentAt       the message timestamp, if sent
 * @param pushName     the sender's display name, if sent
 * @param kind         the content type (Baileys {@code getContentType}), or {@code unknown}
 * @param text         the text, caption or selected reply, if any
 */
public record IncomingWhatsAppMessage(
        String remoteJid,
        Optional<String> remoteJidAlt,
        Optional<String> participant,
        String id,
        boolean fromMe,
        Optional<Instant> sentAt,
        Optional<String> pushName,
        String kind,
        Optional<String> text) {

    /** Longest accepted values: generous for WhatsApp's real ones, small enough to bound a job. */
    public static final int MAX_ID = 128;
    public static final int MAX_JID = 128;
    public static final int MAX_PUSH_NAME = 256;
    public static final int MAX_KIND = 64;
    public static final int MAX_TEXT = 65_536;

    private static void bounded(String name, String value, int max) {
        if (value.length() > max) {
            throw new InvalidCommandException(name + " must be at most " + max + " characters");
        }
    }

    public IncomingWhatsAppMessage {
        Objects.requireNonNull(remoteJid, "remoteJid");
        Objects.requireNonNull(remoteJidAlt, "remoteJidAlt");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(pushName, "pushName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        if (id.isBlank() || id.length() > MAX_ID) {
            throw new InvalidCommandException("key.id must be 1.." + MAX_ID + " characters");
        }
        Identifiers.requireWellFormed("key.id", id);
        Identifiers.requireWellFormed("key.remoteJid", remoteJid);
        bounded("key.remoteJid", remoteJid, MAX_JID);
        remoteJidAlt.ifPresent(v -> bounded("key.remoteJidAlt", v, MAX_JID));
        remoteJidAlt.ifPresent(v -> Identifiers.requireWellFormed("key.remoteJidAlt", v));
        participant.ifPresent(v -> bounded("key.participant", v, MAX_JID));
        participant.ifPresent(v -> Identifiers.requireWellFormed("key.participant", v));
        pushName.ifPresent(v -> bounded("pushName", v, MAX_PUSH_NAME));
        bounded("message type", kind, MAX_KIND);
        Identifiers.requireWellFormed("message type", kind);
        text.ifPresent(v -> bounded("message text", v, MAX_TEXT));
        // A stranger's words are kept, not refused: what the store cannot hold is replaced.
        pushName = pushName.map(Identifiers::storable);
        text = text.map(Identifiers::storable);
    }
}
