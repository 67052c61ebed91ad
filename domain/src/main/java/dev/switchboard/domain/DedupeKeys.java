package dev.switchboard.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Dedupe keys for events that arrive more than once (gateway retries, re-delivery on reconnect),
 * and the deterministic job ids derived from them, so a retried event maps to the same job.
 */
public final class DedupeKeys {

    /** Gateways re-deliver after reconnects, hours later: hold WhatsApp dedupe keys for a day. */
    public static final Duration WHATSAPP_TTL = Duration.ofDays(1);

    /** Client retries of API calls (push, broadcast) arrive within minutes; hold their keys a day. */
    public static final Duration EVENT_TTL = Duration.ofDays(1);

    private DedupeKeys() {
    }

    /**
     * {@code webhook:baileys:<tenant>:<chat>:<message id>}. WhatsApp message ids are unique per
     * chat and sender only, so the key carries the business and chat too: two businesses'
     * messages can never be folded into one job.
     */
    public static String whatsAppMessage(String businessId, String remoteJid, String messageId) {
        return bounded("webhook:baileys:", part(businessId) + ":" + part(remoteJid) + ":" + part(messageId));
    }

    /** Longest readable dedupe key; longer ones (escaped colons triple a part) become a digest. */
    static final int MAX_READABLE = 256;

    /**
     * {@code prefix + parts} while short enough to read in {@code redis-cli}, else {@code prefix}
     * and the parts' SHA-256: still one key per event, and never past the queue's key limit.
     */
    static String bounded(String prefix, String parts) {
        if (prefix.length() + parts.length() <= MAX_READABLE) {
            return prefix + parts;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(parts.getBytes(StandardCharsets.UTF_8));
            return prefix + "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Escapes ':' (and '%') in a free-text part, so that parts cannot run into each other:
     * business "a:b" with chat "c" must not meet business "a" with chat "b:c".
     */
    static String part(String value) {
        return value.replace("%", "%25").replace(":", "%3A");
    }

    /**
     * {@code push:notification:<id>} (seeds), scoped to the business: notification ids are the
     * client's, and two businesses' ids must never fold into one job.
     */
    public static String pushNotification(String businessId, String notificationId) {
        return bounded("push:notification:", part(businessId) + ":" + part(notificationId));
    }
}
