package dev.switchboard.adapters.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 8291 Appendix A, byte for byte (the vectors are also in docs/push.md). */
class WebPushEncryptionTest {
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AS_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String BODY = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6"
            + "e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQex"
            + "SgSxsj_Qulcy4a-fN";

    private static KeyPair rfcEphemeralKey() {
        return new KeyPair(P256.publicKey(P256.unb64(AS_PUBLIC)), P256.privateKey(P256.unb64(AS_PRIVATE)));
    }

    @Test
    void reproducesRfc8291AppendixAByteForByte() {
        byte[] body = WebPushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.US_ASCII), P256.unb64(UA_PUBLIC),
                P256.unb64(AUTH), rfcEphemeralKey(), P256.unb64(SALT));
        assertEquals(144, body.length, "the RFC's sample says Content-Length: 145, but its body is 144 bytes");
        assertEquals(BODY, P256.b64(body));
    }

    @Test
    void theHeaderIsSaltRecordSizeAndTheEphemeralKey() {
        byte[] body = WebPushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.US_ASCII), P256.unb64(UA_PUBLIC),
                P256.unb64(AUTH), rfcEphemeralKey(), P256.unb64(SALT));
        assertEquals("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6T"
                + "lzAC8wEqKK6PBru3jl7A8", P256.b64(Arrays.copyOf(body, WebPushEncryption.HEADER_LENGTH)));
    }

    @Test
    void everyMessageHasAFreshKeyAndSalt() {
        WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());
        byte[] a = encryption.encrypt(new byte[10], P256.unb64(UA_PUBLIC), P256.unb64(AUTH));
        byte[] b = encryption.encrypt(new byte[10], P256.unb64(UA_PUBLIC), P256.unb64(AUTH));
        assertFalse(Arrays.equals(Arrays.copyOf(a, 16), Arrays.copyOf(b, 16)), "salt");
        assertFalse(Arrays.equals(Arrays.copyOfRange(a, 21, 86), Arrays.copyOfRange(b, 21, 86)), "ephemeral key");
    }

    @Test
    void refusesPayloadsOverTheLimitAndKeysOffTheCurve() {
        WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());
        assertEquals(4096, WebPushEncryption.HEADER_LENGTH + WebPushEncryption.MAX_PLAINTEXT + 1 + 16);
        encryption.encrypt(new byte[WebPushEncryption.MAX_PLAINTEXT], P256.unb64(UA_PUBLIC), P256.unb64(AUTH));
        assertThrows(IllegalArgumentException.class, () -> encryption.encrypt(
                new byte[WebPushEncryption.MAX_PLAINTEXT + 1], P256.unb64(UA_PUBLIC), P256.unb64(AUTH)));
        byte[] offCurve = P256.unb64(UA_PUBLIC);
        offCurve[64] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> encryption.encrypt(new byte[1], offCurve, P256.unb64(AUTH)));
    }

    @Test
    void coordinatesArePaddedToThirtyTwoBytes() {
        assertArrayEquals(new byte[32], P256.fixed32(java.math.BigInteger.ZERO));
        byte[] high = new byte[32];
        Arrays.fill(high, (byte) 0xff);
        assertArrayEquals(high, P256.fixed32(new java.math.BigInteger(1, high)), "the sign byte is dropped");
        byte[] low = new byte[32];
        low[31] = 7;
        assertArrayEquals(low, P256.fixed32(java.math.BigInteger.valueOf(7)));
    }
}
