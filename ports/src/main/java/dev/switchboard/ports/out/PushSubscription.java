package dev.switchboard.ports.out;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how to reach one browser: the {@code PushSubscription} a page got from its push
 * service (docs/push.md), as stored.
 *
 * @param endpoint the push service's URL for this browser, used exactly as given
 * @param p256dh   the browser's P-256 public key: 65 bytes, uncompressed ({@code 0x04 || X || Y}),
 *                 base64url (padding accepted)
 * @param auth     the browser's 16-byte authentication secret, base64url (padding accepted)
 */
public record PushSubscription(String endpoint, String p256dh, String auth) {
    public static final int MAX_ENDPOINT = 2048;

    public PushSubscription {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(p256dh, "p256dh");
        Objects.requireNonNull(auth, "auth");
        if (endpoint.length() > MAX_ENDPOINT) {
            throw new IllegalArgumentException("endpoint must be at most " + MAX_ENDPOINT + " characters");
        }
        try {
            URI uri = new URI(endpoint);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("endpoint must be an absolute http(s) URL without user info");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint is not a URL: " + e.getMessage());
        }
        byte[] key = decode(p256dh, "keys.p256dh");
        if (key.length != 65 || key[0] != 0x04) {
            throw new IllegalArgumentException("keys.p256dh must be a 65-byte uncompressed P-256 point");
        }
        if (decode(auth, "keys.auth").length != 16) {
            throw new IllegalArgumentException("keys.auth must be 16 bytes");
        }
    }

    /** The raw public key of the browser. */
    public byte[] publicKey() {
        return decode(p256dh, "keys.p256dh");
    }

    /** The raw authentication secret of the browser. */
    public byte[] authSecret() {
        return decode(auth, "keys.auth");
    }

    private static byte[] decode(String value, String name) {
        try {
            return Base64.getUrlDecoder().decode(value.strip().replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64url");
        }
    }
}
