package dev.switchboard.adapters.redis;

import io.lettuce.core.SetArgs;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The ids of deduplicated jobs: {@code <job name>-<HMAC-SHA256(secret, dedupe key), 128 bits hex>}.
 * Deterministic, so a retried event maps to the same job, but keyed: dedupe keys are built from
 * ids a caller can guess (a notification id, a WhatsApp message id), and a plain hash would let
 * one business compute, and probe for, another's job ids.
 *
 * <p>The secret is {@code JOB_ID_SECRET} when configured; otherwise one is generated once and
 * kept in Redis ({@code switchboard:job_id_secret}, no TTL), so every process of the deployment
 * derives the same ids.
 */
final class RedisJobIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;

    private RedisJobIds(byte[] secret) {
        this.secret = secret;
    }

    /** The configured secret, else the one kept in Redis (created now if this is the first process). */
    static RedisJobIds load(RedisConnections redis, Optional<String> configured) {
        if (configured.isPresent()) {
            return new RedisJobIds(configured.get().getBytes(StandardCharsets.UTF_8));
        }
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        byte[] kept = RedisFailures.guard("read the job id secret", () -> {
            var r = redis.commands();
            r.set(RedisKeys.JOB_ID_SECRET, RqFormat.utf8(HexFormat.of().formatHex(fresh)), SetArgs.Builder.nx());
            return r.get(RedisKeys.JOB_ID_SECRET);
        });
        return new RedisJobIds(kept);
    }

    String jobIdFor(String jobName, String dedupeKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal(dedupeKey.getBytes(StandardCharsets.UTF_8));
            return jobName + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "RedisJobIds[redacted]";
    }
}
