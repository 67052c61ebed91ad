package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.WebhookMessage;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook sender against a receiver that verifies signatures with the spec's algorithm. */
class HttpWebhookSenderTest {
    private static final String SECRET = StandardWebhookSignature.newSecret(new SecureRandom());
    private static final String BODY = "{\"type\":\"lead.created\",\"timestamp\":\"2026-11-30T13:00:00Z\",\"data\":{\"id\":\"l-1\",\"nome\":\"João\"}}";

    private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(SECRET);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final OutboundGuard devGuard = new OutboundGuard(new OutboundGuard.Policy(true, true),
            OutboundGuard.HostResolver.SYSTEM, http);
    private final OffsetClock clock = new OffsetClock();

    @AfterEach
    void stop() {
        receiver.close();
        http.close();
    }

    private HttpWebhookSender sender(Duration timeout) {
        return new HttpWebhookSender(new HttpWebhookSender.Settings(timeout), devGuard, clock);
    }

    private WebhookMessage message(String id, String... secrets) {
        return new WebhookMessage(URI.create(receiver.url()), id, BODY, secrets.length == 0 ? List.of(SECRET) : List.of(secrets));
    }

    @Test
    void aSignedEventIsVerifiedAndAcceptedWithItsExactBody() {
        assertEquals(new DeliveryOutcome.Delivered(200), sender(Duration.ofSeconds(5)).send(message("msg_1")));
        assertEquals(BODY, receiver.accepted().get("msg_1"));
    }

    @Test
    void retriesKeepTheIdAndBodyWithAFreshTimestamp() {
        receiver.script(500, 500);
        HttpWebhookSender sender = sender(Duration.ofSeconds(5));
        assertInstanceOf(DeliveryOutcome.RetryLater.class, sender.send(message("msg_2")));
        clock.advance(Duration.ofSeconds(5));
        assertInstanceOf(DeliveryOutcome.RetryLater.class, sender.send(message("msg_2")));
        clock.advance(Duration.ofSeconds(30));
        assertEquals(new DeliveryOutcome.Delivered(200), sender.send(message("msg_2")));
        List<FakeWebhookReceiver.Attempt> attempts = receiver.attempts();
        assertEquals(List.of(500, 500, 200), attempts.stream().map(FakeWebhookReceiver.Attempt::answered).toList());
        assertTrue(attempts.stream().allMatch(a -> a.webhookId().equals("msg_2") && a.body().equals(BODY)));
        assertEquals(3, attempts.stream().map(FakeWebhookReceiver.Attempt::timestamp).distinct().count());
    }

    @Test
    void aReceiverThatIsDownIsRetriedUntilItRecovers() {
        receiver.down();
        HttpWebhookSender sender = sender(Duration.ofSeconds(5));
        assertEquals(503, assertInstanceOf(DeliveryOutcome.RetryLater.class, sender.send(message("msg_3"))).status());
        receiver.up();
        assertInstanceOf(DeliveryOutcome.Delivered.class, sender.send(message("msg_3")));
        assertEquals(1, receiver.accepted().size());
    }

    @Test
    void goneMeansDisableTheEndpoint() {
        receiver.gone();
        assertEquals(new DeliveryOutcome.Gone(410), sender(Duration.ofSeconds(5)).send(message("msg_4")));
    }

    @Test
    void aRedirectIsNotFollowedButRetried() {
        receiver.script(302);
        DeliveryOutcome outcome = sender(Duration.ofSeconds(5)).send(message("msg_5"));
        assertEquals(302, assertInstanceOf(DeliveryOutcome.RetryLater.class, outcome).status());
        assertEquals(1, receiver.attempts().size());
    }

    @Test
    void rateLimitsHonourRetryAfter() {
        receiver.scriptRetryAfter(429, "2");
        DeliveryOutcome.RetryLater retry = assertInstanceOf(DeliveryOutcome.RetryLater.class,
                sender(Duration.ofSeconds(5)).send(message("msg_6")));
        assertEquals(Optional.of(Duration.ofSeconds(2)), retry.retryAfter());
    }

    @Test
    void aSlowReceiverIsATimeoutAndRetried() {
        receiver.scriptHang(Duration.ofSeconds(2));
        DeliveryOutcome outcome = sender(Duration.ofMillis(300)).send(message("msg_7"));
        assertEquals(0, assertInstanceOf(DeliveryOutcome.RetryLater.class, outcome).status());
    }

    @Test
    void aWrongSecretOrAStaleTimestampIsRefusedByTheReceiverAndFinal() {
        String other = StandardWebhookSignature.newSecret(new SecureRandom());
        assertEquals(new DeliveryOutcome.Rejected("endpoint answered 401", 401),
                sender(Duration.ofSeconds(5)).send(message("msg_8", other)));
        clock.advance(Duration.ofMinutes(-6));
        assertEquals(401, assertInstanceOf(DeliveryOutcome.Rejected.class,
                sender(Duration.ofSeconds(5)).send(message("msg_9"))).status());
        assertTrue(receiver.accepted().isEmpty());
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        String next = StandardWebhookSignature.newSecret(new SecureRandom());
        assertInstanceOf(DeliveryOutcome.Delivered.class, sender(Duration.ofSeconds(5)).send(message("msg_10", next, SECRET)));
    }

    @Test
    void aLoopbackEndpointIsRefusedUnderTheDefaultPolicy() {
        OutboundGuard strict = new OutboundGuard(new OutboundGuard.Policy(false, true), OutboundGuard.HostResolver.SYSTEM, http);
        DeliveryOutcome outcome = new HttpWebhookSender(new HttpWebhookSender.Settings(Duration.ofSeconds(5)), strict, clock)
                .send(message("msg_11"));
        assertEquals(0, assertInstanceOf(DeliveryOutcome.Rejected.class, outcome).status());
        assertTrue(receiver.attempts().isEmpty());
        assertNotEquals(0, BODY.length());
    }

    /** The system clock shifted by an offset the test moves. */
    static final class OffsetClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
