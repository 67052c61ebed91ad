package dev.switchboard.ports.out;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a channel tells us about the person behind a message or call: enough to find or create
 * their lead. At least one of {@code phone} and {@code lid} is present.
 *
 * @param phone       E.164, e.g. {@code +5511999990000}
 * @param whatsAppJid the chat to answer on, if the contact came from WhatsApp
 * @param lid         the WhatsApp privacy id ({@code 1234@lid}), if known
 * @param name        a display name, if known (never overwrites a name already stored)
 * @param source      {@code whatsapp}, {@code call}, {@code api}, …; only set when the lead is created
 */
public record LeadContact(String businessId, Optional<String> phone, Optional<String> whatsAppJid,
                          Optional<String> lid, Optional<String> name, String source) {

    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    public static final Pattern LID = Pattern.compile("[0-9]{1,40}@lid");

    public LeadContact {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(whatsAppJid, "whatsAppJid");
        Objects.requireNonNull(lid, "lid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (phone.isEmpty() && lid.isEmpty()) {
            throw new IllegalArgumentException("a lead contact needs a phone number or a WhatsApp lid");
        }
        phone.ifPresent(p -> {
            if (!E164.matcher(p).matches()) {
                throw new IllegalArgumentException("phone must be E.164 (+ and 6..15 digits), was '" + p + "'");
            }
        });
        lid.ifPresent(l -> {
            if (!LID.matcher(l).matches()) {
                throw new IllegalArgumentException("lid must look like '1234@lid', was '" + l + "'");
            }
        });
        name = name.map(n -> n.length() > 200 ? n.substring(0, 200) : n);
    }
}
