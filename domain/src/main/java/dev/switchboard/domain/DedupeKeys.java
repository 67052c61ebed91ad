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

    private DedupeKeys() {
    }

    /**
     * {@code webhook:baileys:<tenant>:<chat>:<message id>}. WhatsApp message ids are unique per
     * chat and sender only, so the key carries the business and chat too: two businesses'
     * messages can never be folded into one job.
     */
    public static String whatsAppMessage(String businessId, String remoteJid, String messageId) {
        return "webhook:baileys:" + businessId + ":" + remoteJid + ":" + messageId;
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
