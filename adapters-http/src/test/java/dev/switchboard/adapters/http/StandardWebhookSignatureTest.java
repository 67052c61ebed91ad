package dev.switchboard.adapters.http;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardWebhookSignatureTest {

    /** The spec repository's own vector (its JS, Go, PHP and C# tests). */
    @Test
    void reproducesTheStandardWebhooksTestVector() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhookSignature.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}"));
    }

    @Test
    void rotatingSecretsSignWithEachSpaceSeparated() {
        String header = StandardWebhookSignature.header(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                StandardWebhookSignature.newSecret(new SecureRandom())), "msg_1", 1614265330, "{}");
        String[] parts = header.split(" ");
        assertEquals(2, parts.length);
        assertTrue(parts[0].startsWith("v1,") && parts[1].startsWith("v1,"));
    }

    @Test
    void secretsAreWhsecAndBase64OfTwentyFourToSixtyFourBytes() {
        String fresh = StandardWebhookSignature.newSecret(new SecureRandom());
        assertEquals(32, StandardWebhookSignature.key(fresh).length);
        assertThrows(IllegalArgumentException.class, () -> StandardWebhookSignature.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThrows(IllegalArgumentException.class, () -> StandardWebhookSignature.key("whsec_c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> StandardWebhookSignature.key("whsec_not base64!"));
    }
}
