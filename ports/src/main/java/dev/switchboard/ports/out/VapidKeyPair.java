package dev.switchboard.ports.out;

import java.util.Base64;
import java.util.Objects;

/**
 * The application server's long-lived P-256 key pair (RFC 8292). Browsers bind each subscription
 * to its public key ({@code applicationServerKey}), so losing the pair orphans every subscription.
 *
 * @param publicKey  65-byte uncompressed point, base64url without padding
 * @param privateKey 32-byte scalar, base64url without padding (never shown by {@link #toString()})
 */
public record VapidKeyPair(String publicKey, String privateKey) {
    public VapidKeyPair {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        byte[] pub = decode(publicKey, "VAPID public key");
        if (pub.length != 65 || pub[0] != 0x04) {
            throw new IllegalArgumentException("the VAPID public key must be a 65-byte uncompressed P-256 point");
        }
        if (decode(privateKey, "VAPID private key").length != 32) {
            throw new IllegalArgumentException("the VAPID private key must be 32 bytes");
        }
    }

    private static byte[] decode(String value, String name) {
        try {
            return Base64.getUrlDecoder().decode(value.replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64url");
        }
    }

    @Override
    public String toString() {
        return "VapidKeyPair[publicKey=" + publicKey + ", privateKey=<set>]";
    }
}
