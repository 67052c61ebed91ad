package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;

import java.util.Optional;

/**
 * Rules about WhatsApp addresses (JIDs): which chats we take part in, and which contact a
 * message belongs to.
 */
public final class WhatsAppContacts {
    private static final String PHONE_SUFFIX = "@s.whatsapp.net";

    private WhatsAppContacts() {
    }

    /** Status updates, broadcast lists and channels are not conversations with a lead. */
    public static boolean isConversation(String remoteJid) {
        return !(remoteJid.equals("status@broadcast")
                || remoteJid.endsWith("@broadcast")
                || remoteJid.endsWith("@newsletter"));
    }

    /**
     * The contact a message belongs to: the phone number (digits, device suffix dropped) when the
     * chat or its alternate address is a phone JID, else the chat id itself (a LID or a group).
     */
    public static String contactOf(IncomingWhatsAppMessage message) {
        return phoneOf(message.remoteJid())
                .or(() -> message.remoteJidAlt().flatMap(WhatsAppContacts::phoneOf))
                .orElse(message.remoteJid());
    }

    static Optional<String> phoneOf(String jid) {
        if (!jid.endsWith(PHONE_SUFFIX)) {
            return Optional.empty();
        }
        String user = jid.substring(0, jid.length() - PHONE_SUFFIX.length());
        int device = user.indexOf(':');
        String phone = device >= 0 ? user.substring(0, device) : user;
        return phone.isEmpty() ? Optional.empty() : Optional.of(phone);
    }
}
