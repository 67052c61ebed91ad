package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.VapidKeyStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VapidTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rfc8292ExampleVerifiesWithItsKeyInJoseForm() throws Exception {
        String t = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1M"
                + "jM3NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9oj"
                + "FwDXb1JrErtmysazNjjvW2L9OkSSHzvoD1oA";
        String k = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs";
        assertTrue(verifies(t, k));
        assertEquals("https://push.example.net", claims(t).path("aud").asText());
    }

    @Test
    void tokenIsEs256ForTheEndpointOriginExpiringWithinADay() throws Exception {
        VapidKeyPair keys = VapidKeys.generate();
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        VapidTokens tokens = new VapidTokens(keys, "mailto:ops@example.com", Clock.fixed(now, ZoneOffset.UTC));
        String header = tokens.authorization(URI.create("https://Push.Example.net:443/wpush/v2/abc?x=1"));
        assertTrue(header.startsWith("vapid t="), header);
        String t = header.substring("vapid t=".length(), header.indexOf(", k="));
        String k = header.substring(header.indexOf(", k=") + 4);
        assertEquals(keys.publicKey(), k);
        assertTrue(verifies(t, k));
        JsonNode claims = claims(t);
        assertEquals("https://push.example.net", claims.path("aud").asText());
        assertEquals("mailto:ops@example.com", claims.path("sub").asText());
        long exp = claims.path("exp").asLong();
        assertTrue(exp > now.getEpochSecond() && exp <= now.getEpochSecond() + 24 * 3600, "exp " + exp);
        assertEquals("{\"typ\":\"JWT\",\"alg\":\"ES256\"}",
                new String(P256.unb64(t.substring(0, t.indexOf('.'))), StandardCharsets.UTF_8));
    }

    @Test
    void aTokenIsReusedPerAudienceUntilAnHourBeforeItExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
        VapidTokens tokens = new VapidTokens(VapidKeys.generate(), "https://ops.example.com", clock);
        URI a = URI.create("https://push.example.net/a");
        String first = tokens.authorization(a);
        assertEquals(first, tokens.authorization(URI.create("https://push.example.net/b")), "same origin, same token");
        assertNotEquals(first, tokens.authorization(URI.create("https://other.example.net/a")));
        clock.now = clock.now.plus(Duration.ofHours(10));
        assertEquals(first, tokens.authorization(a));
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertNotEquals(first, tokens.authorization(a), "renewed within the last hour");
    }

    @Test
    void originKeepsOnlyANonDefaultPort() {
        assertEquals("http://127.0.0.1:8080", VapidTokens.origin(URI.create("http://127.0.0.1:8080/push/x")));
        assertEquals("https://fcm.googleapis.com", VapidTokens.origin(URI.create("https://fcm.googleapis.com/fcm/send/x")));
        assertEquals("http://h", VapidTokens.origin(URI.create("http://h:80/")));
    }

    @Test
    void configuredKeysMustBeOnePairAndBothOrNeither() {
        VapidKeyPair a = VapidKeys.generate();
        VapidKeyPair b = VapidKeys.generate();
        assertEquals(a, VapidKeys.parse(a.publicKey() + "=", a.privateKey()), "padding accepted");
        assertThrows(IllegalArgumentException.class, () -> VapidKeys.parse(a.publicKey(), b.privateKey()));
        assertThrows(IllegalArgumentException.class, () -> VapidKeys.parse("not-a-key", a.privateKey()));
        VapidKeyStore unused = new VapidKeyStore() {
            public Optional<VapidKeyPair> kept() {
                throw new AssertionError("configured keys never touch the store");
            }

            public VapidKeyPair keepFirst(VapidKeyPair candidate) {
                throw new AssertionError("configured keys never touch the store");
            }
        };
        assertEquals(a, VapidKeys.configuredOrKept(Optional.of(a.publicKey()), Optional.of(a.privateKey()), unused));
        assertThrows(IllegalArgumentException.class,
                () -> VapidKeys.configuredOrKept(Optional.of(a.publicKey()), Optional.empty(), unused));
        assertThrows(IllegalArgumentException.class, () -> new VapidTokens(a, "ops@example.com", Clock.systemUTC()));
    }

    @Test
    void withoutConfigurationTheFirstKeptPairWins() {
        VapidKeyPair winner = VapidKeys.generate();
        AtomicInteger offered = new AtomicInteger();
        VapidKeyStore lostTheRace = new VapidKeyStore() {
            public Optional<VapidKeyPair> kept() {
                return Optional.empty();
            }

            public VapidKeyPair keepFirst(VapidKeyPair candidate) {
                offered.incrementAndGet();
                return winner;
            }
        };
        assertEquals(winner, VapidKeys.configuredOrKept(Optional.empty(), Optional.empty(), lostTheRace));
        assertEquals(1, offered.get());
    }

    private static boolean verifies(String t, String k) throws Exception {
        Signature verify = Signature.getInstance("SHA256withECDSAinP1363Format");
        verify.initVerify(P256.publicKey(P256.unb64(k)));
        verify.update(t.substring(0, t.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
        return verify.verify(P256.unb64(t.substring(t.lastIndexOf('.') + 1)));
    }

    private static JsonNode claims(String t) throws Exception {
        return JSON.readTree(P256.unb64(t.split("\\.")[1]));
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
