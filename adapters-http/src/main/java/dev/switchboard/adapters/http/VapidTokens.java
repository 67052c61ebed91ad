package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.VapidKeyPair;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VAPID (RFC 8292): the {@code Authorization: vapid t=<JWT>, k=<public key>} header for a push
 * endpoint. The JWT is ES256 over {@code {"aud": endpoint origin, "exp", "sub"}}, its signature in
 * JOSE's raw {@code r||s} form (the JDK's plain {@code SHA256withECDSA} gives DER, which push
 * services refuse). {@code exp} is 12 h ahead (the RFC allows at most 24 h); a token is reused
 * for its audience until an hour before it expires.
 */
final class VapidTokens {
    static final Duration LIFETIME = Duration.ofHours(12);
    static final Duration RENEW_BEFORE = Duration.ofHours(1);
    private static final String HEADER = P256.b64("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

    private record Token(String header, Instant expires) { }

    private final VapidKeyPair keys;
    private final ECPrivateKey privateKey;
    private final String subject;
    private final Clock clock;
    private final Map<String, Token> byAudience = new ConcurrentHashMap<>();

    /**
     * @param subject a {@code mailto:} or {@code https:} contact for the push services' operators
     */
    VapidTokens(VapidKeyPair keys, String subject, Clock clock) {
        this.keys = keys;
        this.privateKey = P256.privateKey(P256.unb64(keys.privateKey()));
        this.subject = VapidKeys.subject(subject);
        this.clock = clock;
    }

    /** The Authorization header's value for a push to {@code endpoint}. */
    String authorization(URI endpoint) {
        String audience = origin(endpoint);
        Instant now = clock.instant();
        Token token = byAudience.compute(audience, (aud, cached) ->
                cached != null && now.isBefore(cached.expires().minus(RENEW_BEFORE)) ? cached : sign(aud, now));
        return token.header();
    }

    private Token sign(String audience, Instant now) {
        Instant expires = now.plus(LIFETIME);
        String claims = "{\"aud\":\"" + audience + "\",\"exp\":" + expires.getEpochSecond() + ",\"sub\":\""
                + subject.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        String input = HEADER + "." + P256.b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initSign(privateKey);
            es256.update(input.getBytes(StandardCharsets.US_ASCII));
            String jwt = input + "." + P256.b64(es256.sign());
            return new Token("vapid t=" + jwt + ", k=" + keys.publicKey().replace("=", ""), expires);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the VAPID token", e);
        }
    }

    /** {@code scheme://host[:port]}: no path, no trailing slash, the default port left out. */
    static String origin(URI endpoint) {
        String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + endpoint.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
