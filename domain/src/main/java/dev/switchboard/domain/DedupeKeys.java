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
        return "webhook:baileys:" + part(businessId) + ":" + part(remoteJid) + ":" + part(messageId);
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
        return "push:notification:" + part(businessId) + ":" + part(notificationId);
    }

    /**
     * A job id derived from a dedupe key: the job name's first letters and a SHA-256 prefix, so it
     * is stable, short, free of colons and reveals nothing of the key.
     */
    public static String jobIdFor(String jobName, String dedupeKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dedupeKey.getBytes(StandardCharsets.UTF_8));
            return jobName + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
