package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.OutgoingWhatsAppMessage;
import dev.switchboard.ports.out.SentWhatsAppMessage;
import dev.switchboard.ports.out.WhatsAppSendException;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway client against a fake gateway speaking the real send contract. */
class HttpWhatsAppGatewayTest {
    private static final String SECRET = "gateway-secret-0123456789abcdef0123456789";
    private final FakeWhatsAppGateway fake = FakeWhatsAppGateway.start(SECRET, Set.of("biz-1"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        fake.close();
        http.close();
    }

    private HttpWhatsAppGateway client(String secret, Duration timeout) {
        return new HttpWhatsAppGateway(new HttpWhatsAppGateway.Settings(URI.create(fake.url()), secret, timeout),
                http, Clock.systemUTC());
    }

    private static OutgoingWhatsAppMessage message(String clientId) {
        return new OutgoingWhatsAppMessage("biz-1", "5511999990000@s.whatsapp.net", "Olá!", clientId);
    }

    @Test
    void sendsOnceAndARepeatReturnsTheSameMessage() {
        HttpWhatsAppGateway gateway = client(SECRET, Duration.ofSeconds(5));
        SentWhatsAppMessage first = gateway.send(message("c-1"));
        SentWhatsAppMessage again = gateway.send(message("c-1"));
        assertFalse(first.alreadySent());
        assertTrue(again.alreadySent());
        assertEquals(first.messageId(), again.messageId());
        assertTrue(first.messageId().matches("3EB0[0-9A-F]{18}"), first.messageId());
        assertEquals(1, fake.sent().size());
    }

    @Test
    void aTimeoutIsRetryableAndTheRetryFindsTheMessageSent() {
        fake.answerLate(1, Duration.ofMillis(1500));
        HttpWhatsAppGateway gateway = client(SECRET, Duration.ofMillis(300));
        WhatsAppSendException timeout = assertThrows(WhatsAppSendException.class, () -> gateway.send(message("c-2")));
        assertTrue(timeout.retryable());
        SentWhatsAppMessage retried = awaitSent(gateway, message("c-2"));
        assertTrue(retried.alreadySent(), "the retry must not send again");
        assertEquals(1, fake.sendsPerClientId().get("c-2"));
    }

    private static SentWhatsAppMessage awaitSent(HttpWhatsAppGateway gateway, OutgoingWhatsAppMessage message) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return gateway.send(message);
            } catch (WhatsAppSendException e) {
                // 409 pending while the late answer is still in flight: retryable, as the contract says.
                assertTrue(e.retryable(), e.getMessage());
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    @Test
    void serverErrorsAreRetryableWithTheirRetryAfter() {
        fake.failNext(1);
        WhatsAppSendException e = assertThrows(WhatsAppSendException.class,
                () -> client(SECRET, Duration.ofSeconds(5)).send(message("c-3")));
        assertEquals(503, e.status());
        assertTrue(e.retryable());
        assertEquals(Optional.of(Duration.ofSeconds(1)), e.retryAfter());
        assertTrue(fake.sent().isEmpty());
    }

    @Test
    void otherClientErrorsAreFinal() {
        fake.markNotOnWhatsApp("5511999990000@s.whatsapp.net");
        WhatsAppSendException notOn = assertThrows(WhatsAppSendException.class,
                () -> client(SECRET, Duration.ofSeconds(5)).send(message("c-4")));
        assertEquals(422, notOn.status());
        assertFalse(notOn.retryable());
        WhatsAppSendException badSecret = assertThrows(WhatsAppSendException.class,
                () -> client(SECRET + "x", Duration.ofSeconds(5)).send(message("c-5")));
        assertEquals(401, badSecret.status());
        assertFalse(badSecret.retryable());
        WhatsAppSendException unknownTenant = assertThrows(WhatsAppSendException.class,
                () -> client(SECRET, Duration.ofSeconds(5)).send(
                        new OutgoingWhatsAppMessage("biz-2", "5511999990000@s.whatsapp.net", "Oi", "c-6")));
        assertEquals(404, unknownTenant.status());
        assertFalse(unknownTenant.retryable());
    }

    @Test
    void anUnreachableGatewayIsRetryable() {
        String url = fake.url();
        fake.close();
        HttpWhatsAppGateway gateway = new HttpWhatsAppGateway(new HttpWhatsAppGateway.Settings(URI.create(url), SECRET,
                Duration.ofSeconds(2)), http, Clock.systemUTC());
        WhatsAppSendException e = assertThrows(WhatsAppSendException.class, () -> gateway.send(message("c-7")));
        assertEquals(0, e.status());
        assertTrue(e.retryable());
    }

    @Test
    void settingsNeverPrintTheSecret() {
        assertFalse(new HttpWhatsAppGateway.Settings(URI.create("http://g"), SECRET, Duration.ofSeconds(1))
                .toString().contains(SECRET));
    }
}
