package dev.switchboard.adapters.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * A shared secret kept only as its SHA-256 digest and compared in constant time: comparing
 * digests of equal length leaks neither content nor length through timing.
 */
final class SharedSecret {
    private final Optional<byte[]> digest;

    SharedSecret(Optional<String> secret) {
        this.digest = secret.filter(s -> !s.isEmpty()).map(SharedSecret::sha256);
    }

    boolean configured() {
        return digest.isPresent();
    }

    boolean matches(Optional<String> presented) {
        if (digest.isEmpty() || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(digest.get(), sha256(presented.get()));
    }

    /** The SHA-256 digest of a secret's UTF-8 bytes: what secrets are kept and compared as. */
    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "SharedSecret[redacted]";
    }
}
