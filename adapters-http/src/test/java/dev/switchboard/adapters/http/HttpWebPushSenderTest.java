package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.PushNotification;
import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.testsupport.FakePushService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Web Push sender against a fake push service that decrypts the body and verifies VAPID. */
class HttpWebPushSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final VapidKeyPair keys = VapidKeys.generate();
    private final FakePushService push = FakePushService.start(keys.publicKey());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final OutboundGuard devGuard = new OutboundGuard(new OutboundGuard.Policy(true, true),
            OutboundGuard.HostResolver.SYSTEM, http);

    @AfterEach
    void stop() {
        push.close();
        http.close();
    }

    private HttpWebPushSender sender(VapidKeyPair signingKeys, OutboundGuard guard, Duration timeout) {
        return new HttpWebPushSender(new HttpWebPushSender.Settings("mailto:ops@example.com", timeout, 2),
                signingKeys, guard, Clock.systemUTC());
    }

    private HttpWebPushSender sender() {
        return sender(keys, devGuard, Duration.ofSeconds(5));
    }

    private static PushSubscription subscription(FakePushService.Subscription s) {
        return new PushSubscription(s.endpoint(), s.p256dh(), s.auth());
    }

    private static PushNotification notification(String title) {
        return new PushNotification(title, "Ligar para Maria às 15h", Optional.of("/leads/42"), Duration.ofMinutes(30),
                PushNotification.Urgency.HIGH, Optional.of("reminder-42"));
    }

    @Test
    void theBrowserDecryptsTheNotificationSentWithAValidVapidToken() throws Exception {
        FakePushService.Subscription browser = push.subscribe();
        DeliveryOutcome outcome = sender().send(subscription(browser), notification("Lembrete ☎"));
        assertEquals(new DeliveryOutcome.Delivered(201), outcome, push.refusals().toString());
        FakePushService.Received received = push.received().getFirst();
        JsonNode payload = JSON.readTree(received.plaintext());
        assertEquals("Lembrete ☎", payload.path("title").asText());
        assertEquals("Ligar para Maria às 15h", payload.path("body").asText());
        assertEquals("/leads/42", payload.path("url").asText());
        assertEquals("reminder-42", payload.path("tag").asText(), "the topic, for the page's notification tag");
        assertEquals(1800, received.ttl());
        assertEquals(Optional.of("high"), received.urgency());
        assertEquals(Optional.of("reminder-42"), received.topic());
        assertEquals(push.origin(), received.claims().path("aud").asText());
        assertEquals("mailto:ops@example.com", received.claims().path("sub").asText());
    }

    @Test
    void everyBrowserDecryptsItsOwnCopy() {
        HttpWebPushSender sender = sender();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(DeliveryOutcome.Delivered.class, sender.send(subscription(push.subscribe()),
                    PushNotification.of("n" + i, "b", Optional.empty())));
        }
        assertEquals(5, push.received().size(), push.refusals().toString());
        assertTrue(push.received().stream().noneMatch(r -> r.plaintext().contains("\"url\"")), "no url, no field");
        assertTrue(push.received().stream().noneMatch(r -> r.plaintext().contains("\"tag\"")), "no topic, no tag");
    }

    @Test
    void goneAndExpiredSubscriptionsAreReportedGone() {
        FakePushService.Subscription unsubscribed = push.subscribe();
        FakePushService.Subscription expired = push.subscribe();
        push.markGone(unsubscribed.id());
        push.forget(expired.id());
        assertEquals(new DeliveryOutcome.Gone(410), sender().send(subscription(unsubscribed), notification("t")));
        assertEquals(new DeliveryOutcome.Gone(404), sender().send(subscription(expired), notification("t")));
    }

    @Test
    void rateLimitsAndServerErrorsRetryHonouringRetryAfter() {
        PushSubscription browser = subscription(push.subscribe());
        push.failNext(1, 429, Optional.of(7));
        DeliveryOutcome limited = sender().send(browser, notification("t"));
        DeliveryOutcome.RetryLater retry = assertInstanceOf(DeliveryOutcome.RetryLater.class, limited);
        assertEquals(429, retry.status());
        assertEquals(Optional.of(Duration.ofSeconds(7)), retry.retryAfter());
        push.failNext(1, 503, Optional.empty());
        assertEquals(503, assertInstanceOf(DeliveryOutcome.RetryLater.class, sender().send(browser, notification("t"))).status());
        assertInstanceOf(DeliveryOutcome.Delivered.class, sender().send(browser, notification("t")));
        assertEquals(1, push.received().size());
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsRetriedLater() {
        push.hangNext(1, Duration.ofSeconds(2));
        DeliveryOutcome outcome = sender(keys, devGuard, Duration.ofMillis(300)).send(subscription(push.subscribe()),
                notification("t"));
        assertEquals(0, assertInstanceOf(DeliveryOutcome.RetryLater.class, outcome).status());
    }

    @Test
    void aKeyOtherThanTheSubscribedOneIsRefusedAndFinal() {
        DeliveryOutcome outcome = sender(VapidKeys.generate(), devGuard, Duration.ofSeconds(5))
                .send(subscription(push.subscribe()), notification("t"));
        assertEquals(403, assertInstanceOf(DeliveryOutcome.Rejected.class, outcome).status());
        assertTrue(push.refusals().getFirst().contains("applicationServerKey"), push.refusals().toString());
    }

    @Test
    void aPrivateEndpointIsNeverContactedUnderTheDefaultPolicy() {
        OutboundGuard strict = new OutboundGuard(new OutboundGuard.Policy(false, true), OutboundGuard.HostResolver.SYSTEM, http);
        DeliveryOutcome outcome = sender(keys, strict, Duration.ofSeconds(5)).send(subscription(push.subscribe()),
                notification("t"));
        DeliveryOutcome.Rejected rejected = assertInstanceOf(DeliveryOutcome.Rejected.class, outcome);
        assertTrue(rejected.reason().contains("loopback"), rejected.reason());
        assertEquals(0, push.requests());
    }

    @Test
    void aPayloadOverTheLimitIsRejectedBeforeSending() {
        DeliveryOutcome outcome = sender().send(subscription(push.subscribe()),
                PushNotification.of("t", "x".repeat(4000), Optional.empty()));
        assertInstanceOf(DeliveryOutcome.Rejected.class, outcome);
        assertEquals(0, push.requests());
    }
}
