package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.out.LeadContact;

import java.util.Optional;

/**
 * Rules about WhatsApp addresses (JIDs): which chats we take part in, and which person (lead) a
 * message belongs to (docs/whatsapp.md).
 */
public final class WhatsAppContacts {
    private static final String PHONE_SUFFIX = "@s.whatsapp.net";
    private static final String LID_SUFFIX = "@lid";
    private static final String GROUP_SUFFIX = "@g.us";

    private WhatsAppContacts() {
    }

    /** Status updates, broadcast lists and channels are not conversations with a lead. */
    public static boolean isConversation(String remoteJid) {
        return !(remoteJid.equals("status@broadcast")
                || remoteJid.endsWith("@broadcast")
                || remoteJid.endsWith("@newsletter"));
    }

    public static boolean isGroup(String remoteJid) {
        return remoteJid.endsWith(GROUP_SUFFIX);
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

    /**
     * The person behind a message, as a lead contact: in a 1:1 chat the chat itself (phone from a
     * phone JID, else from {@code remoteJidAlt}; the {@code @lid} alias from whichever form is a
     * LID); in a group the sender ({@code participant}). Empty when there is no person to tie the
     * message to (a status update, a group message without a sender, an unknown address form).
     */
    public static Optional<LeadContact> leadContact(String businessId, IncomingWhatsAppMessage message) {
        String jid = message.remoteJid();
        if (!isConversation(jid)) {
            return Optional.empty();
        }
        boolean group = isGroup(jid);
        Optional<String> person = group ? message.participant() : Optional.of(jid);
        Optional<String> alt = group ? Optional.empty() : message.remoteJidAlt();
        if (person.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> phone = phoneOf(person.get()).or(() -> alt.flatMap(WhatsAppContacts::phoneOf))
                .map(digits -> "+" + digits)
                .filter(p -> LeadContact.E164.matcher(p).matches());
        Optional<String> lid = lidOf(person.get()).or(() -> alt.flatMap(WhatsAppContacts::lidOf));
        if (phone.isEmpty() && lid.isEmpty()) {
            return Optional.empty();
        }
        // Answer where the lead wrote (a 1:1 chat); a group is not the lead's own chat.
        Optional<String> chat = group ? phone.map(p -> p.substring(1) + PHONE_SUFFIX) : Optional.of(withoutDevice(jid));
        // Our own messages carry our name, not the lead's.
        Optional<String> name = message.fromMe() ? Optional.empty() : message.pushName().filter(n -> !n.isBlank());
        return Optional.of(new LeadContact(businessId, phone, chat, lid, name, "whatsapp"));
    }

    /**
     * The chat's JID without a device suffix ({@code 5511999990000:12@s.whatsapp.net} becomes
     * {@code 5511999990000@s.whatsapp.net}): the gateway sends to users, never to one device.
     */
    public static String withoutDevice(String jid) {
        int at = jid.indexOf('@');
        int colon = jid.indexOf(':');
        return colon > 0 && at > colon ? jid.substring(0, colon) + jid.substring(at) : jid;
    }

    static Optional<String> phoneOf(String jid) {
        if (!jid.endsWith(PHONE_SUFFIX)) {
            return Optional.empty();
        }
        String user = jid.substring(0, jid.length() - PHONE_SUFFIX.length());
        int device = user.indexOf(':');
        String phone = device >= 0 ? user.substring(0, device) : user;
        return phone.isEmpty() || !phone.chars().allMatch(Character::isDigit) ? Optional.empty() : Optional.of(phone);
    }

    static Optional<String> lidOf(String jid) {
        if (!jid.endsWith(LID_SUFFIX)) {
            return Optional.empty();
        }
        String user = jid.substring(0, jid.length() - LID_SUFFIX.length());
        int device = user.indexOf(':');
        String id = device >= 0 ? user.substring(0, device) : user;
        String lid = id + LID_SUFFIX;
        return LeadContact.LID.matcher(lid).matches() ? Optional.of(lid) : Optional.empty();
    }
}
