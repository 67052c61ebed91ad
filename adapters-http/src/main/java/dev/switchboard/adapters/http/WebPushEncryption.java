package dev.switchboard.adapters.http;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * Web Push message encryption (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188): one
 * record, a fresh ephemeral P-256 key and salt per message, never the VAPID key. The JDK alone:
 * ECDH, HKDF written as HMAC-SHA-256 (one expand block is enough for 16 and 12 bytes), AES-GCM.
 * The steps and names follow docs/push.md and RFC 8291 Appendix A, whose example the unit test
 * reproduces byte for byte.
 */
final class WebPushEncryption {
    /** The record size senders use; one record always fits the 4096-byte body limit. */
    static final int RECORD_SIZE = 4096;
    static final int HEADER_LENGTH = 16 + 4 + 1 + 65;
    /** 4096 − 86 header − 16 tag − 1 delimiter. */
    static final int MAX_PLAINTEXT = 3993;

    private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random;

    WebPushEncryption(SecureRandom random) {
        this.random = random;
    }

    /** The request body for {@code plaintext}, encrypted to the browser's key and secret. */
    byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, P256.generate(), salt);
    }

    /** The seam for RFC 8291's example: a given ephemeral key pair and salt. */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair ephemeral, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a push payload is at most " + MAX_PLAINTEXT + " bytes, was "
                    + plaintext.length);
        }
        if (authSecret.length != 16 || salt.length != 16) {
            throw new IllegalArgumentException("auth secret and salt are 16 bytes each");
        }
        try {
            ECPublicKey browser = P256.publicKey(uaPublic);
            byte[] asPublic = P256.raw((ECPublicKey) ephemeral.getPublic());
            KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
            ecdh.init(ephemeral.getPrivate());
            ecdh.doPhase(browser, true);
            byte[] ecdhSecret = ecdh.generateSecret();

            byte[] prkKey = hmac(authSecret, ecdhSecret);
            byte[] ikm = hmac(prkKey, concat(KEY_INFO, uaPublic, asPublic, new byte[] {1}));
            byte[] prk = hmac(salt, ikm);
            byte[] cek = Arrays.copyOf(hmac(prk, CEK_INFO), 16);
            byte[] nonce = Arrays.copyOf(hmac(prk, NONCE_INFO), 12);

            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            // 0x02: the last (and only) record's padding delimiter; no padding after it.
            byte[] ciphertext = aes.doFinal(concat(plaintext, new byte[] {2}));

            ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
            header.put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic);
            return concat(header.array(), ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Web Push encryption failed", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
