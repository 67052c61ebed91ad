package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lead: one person a business talks to, across channels.
 *
 * @param id          the lead's id (opaque, unique across businesses)
 * @param businessId  the business the lead belongs to
 * @param phone       the E.164 phone number ({@code +5511999990000}); unique per business; empty
 *                    while WhatsApp only told us a privacy id ({@code @lid})
 * @param whatsAppJid the chat to answer on WhatsApp ({@code …@s.whatsapp.net} or {@code …@lid})
 * @param lid         the WhatsApp privacy id alias ({@code 1234@lid}); unique per business
 * @param name        the display name, if known
 * @param email       the e-mail address, if the business gave one; unique per business (case
 *                    ignored). Mail from this address is attached to the lead's conversation
 * @param source      where the lead came from: {@code whatsapp}, {@code call}, {@code api}, …
 * @param status      the pipeline status, {@code new} at first
 * @param summary     the latest conversation summary, if any
 */
public record Lead(String id, String businessId, Optional<String> phone, Optional<String> whatsAppJid,
                   Optional<String> lid, Optional<String> name, Optional<String> email, String source, String status,
                   Optional<String> summary, Instant createdAt, Instant updatedAt) {
    private static final java.util.regex.Pattern CANONICAL_ID =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * Whether {@code id} can name a lead: a UUID in its canonical 8-4-4-4-12 form, as PostgreSQL
     * writes it (either case). Anything else names no lead, and must not reach the database as a
     * cast error. {@code UUID.fromString} alone is not enough: it takes groups of other lengths
     * ({@code 000000000-000-0000-0000-000000000000}) that PostgreSQL's {@code ::uuid} refuses.
     */
    public static boolean isCanonicalId(String id) {
        return id != null && CANONICAL_ID.matcher(id).matches();
    }


    public Lead {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(whatsAppJid, "whatsAppJid");
        Objects.requireNonNull(lid, "lid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A lead without an e-mail address (the WhatsApp and call channels know none). */
    public Lead(String id, String businessId, Optional<String> phone, Optional<String> whatsAppJid,
                Optional<String> lid, Optional<String> name, String source, String status,
                Optional<String> summary, Instant createdAt, Instant updatedAt) {
        this(id, businessId, phone, whatsAppJid, lid, name, Optional.empty(), source, status, summary, createdAt,
                updatedAt);
    }
}
