package dev.switchboard.roles.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.http.HttpWebPushSender;
import dev.switchboard.adapters.http.StandardWebhookSignature;
import dev.switchboard.adapters.http.VapidKeys;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.PushSendJob;
import dev.switchboard.domain.JobDefinition;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.domain.RemindersTickJob;
import dev.switchboard.domain.SendPushService;
import dev.switchboard.domain.WebhookEvents;
import dev.switchboard.ports.in.SendPushCommand;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.NewReminder;
import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.Reminder;
import dev.switchboard.ports.out.StoredPushSubscription;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.WebhookDelivery;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.testsupport.FakePushService;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The push, reminder and webhook jobs run by a real worker against real Redis and PostgreSQL,
 * with a push service that decrypts what it receives and a webhook receiver that verifies
 * signatures.
 */
class NotificationJobsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());

    private final VapidKeyPair vapid = VapidKeys.generate();
    private final FakePushService push = FakePushService.start(vapid.publicKey());
    private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(SECRET);
    private final String business = "biz-" + UUID.randomUUID();
    private WorkerHarness worker;
    private PostgresStore store;
    private JobQueue queue;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        queue = worker.queue;
        Clock clock = Clock.systemUTC();
        JobCollaborators collaborators = worker.collaborators(clock)
                .webPush(new HttpWebPushSender(new HttpWebPushSender.Settings("mailto:ops@example.com",
                        Duration.ofSeconds(2), 2), vapid, worker.loopbackGuard(), clock))
                .webhooks(worker.webhooks(clock))
                .build();
        worker.start("notify-worker", List.of("high", "default", "maintenance"), 4, new JobCatalogue(collaborators));
    }

    @AfterEach
    void stop() {
        worker.close();
        push.close();
        receiver.close();
    }

    private StoredPushSubscription subscribe(String user, FakePushService.Subscription browser) {
        return store.pushSubscriptions().subscribe(business, user,
                new PushSubscription(browser.endpoint(), browser.p256dh(), browser.auth()));
    }

    private void sendPush(String notificationId, String user, String title) {
        new SendPushService(queue).send(new SendPushCommand(business, "trace-" + notificationId, notificationId, user,
                title, "Ligar para a Maria", Optional.of("https://crm.example.com/leads/1")));
    }

    @Test
    void aPushReachesEveryBrowserOfTheUserOnceAndGoneOnesAreDeactivated() throws Exception {
        FakePushService.Subscription laptop = push.subscribe();
        FakePushService.Subscription phone = push.subscribe();
        FakePushService.Subscription old = push.subscribe();
        FakePushService.Subscription colleague = push.subscribe();
        subscribe("ana", laptop);
        subscribe("ana", phone);
        StoredPushSubscription stale = subscribe("ana", old);
        subscribe("bia", colleague);
        push.markGone(old.id());

        sendPush("n-1", "ana", "Lembrete ☎");
        sendPush("n-1", "ana", "Lembrete ☎"); // a client retry: the same job

        await("the gone browser to be deactivated", () -> store.pushSubscriptions().activeFor(business, "ana").size() == 2);
        await("both browsers to receive it", () -> push.received().size() == 2);
        Thread.sleep(300);
        assertEquals(2, push.received().size(), push.refusals().toString());
        assertEquals(Set.of(laptop.id(), phone.id()),
                Set.copyOf(push.received().stream().map(FakePushService.Received::subscriptionId).toList()));
        for (FakePushService.Received received : push.received()) {
            JsonNode payload = JSON.readTree(received.plaintext());
            assertEquals("Lembrete ☎", payload.path("title").asText());
            assertEquals("https://crm.example.com/leads/1", payload.path("url").asText());
            assertEquals(received.topic().orElseThrow(), payload.path("tag").asText(),
                    "the page tags the notification with its topic, so a repeat replaces a shown copy");
        }
        assertFalse(store.pushSubscriptions().find(business, stale.id()).orElseThrow().active());
    }

    /**
     * A push with an expiry (a reminder's) is not sent after it: a retry or a slow queue past the
     * meeting would say "in 15 min" too late. Before it, the push service is asked to keep it only
     * for the time left.
     */
    @Test
    void aPushPastItsExpiryIsNotSentAndOneBeforeItIsKeptOnlyForTheTimeLeft() throws Exception {
        FakePushService.Subscription laptop = push.subscribe();
        subscribe("ana", laptop);
        Instant now = Instant.now();
        queue.enqueue(PushSendJob.DEFINITION.request(new PushSendJob.Args("ana", "Too late", "Due at 15:00 (in 15 min)",
                Optional.empty(), Optional.of(Duration.ofMinutes(15)), Optional.of("reminder-late"), Optional.empty(),
                Optional.of(now.minusSeconds(1))), business, "trace-late"));
        queue.enqueue(PushSendJob.DEFINITION.request(new PushSendJob.Args("ana", "In time", "Due at 15:00 (in 1 min)",
                Optional.empty(), Optional.of(Duration.ofMinutes(15)), Optional.of("reminder-soon"), Optional.empty(),
                Optional.of(now.plusSeconds(60))), business, "trace-soon"));

        await("the push still of use", () -> push.received().size() == 1);
        await("both pushes' jobs to finish", () -> redis.commands().llen("rq:queue:default") == 0
                && redis.commands().zcard("rq:wip:default") == 0);
        Thread.sleep(300);
        assertEquals(1, push.received().size(), "the expired push was not sent");
        FakePushService.Received received = push.received().getFirst();
        assertEquals("In time", JSON.readTree(received.plaintext()).path("title").asText());
        assertTrue(received.ttl() <= 60 && received.ttl() > 0, "kept for the time left: " + received.ttl());
    }

    @Test
    void aRateLimitedBrowserIsRetriedAloneAndOthersAreNotPushedTwice() throws Exception {
        FakePushService.Subscription laptop = push.subscribe();
        FakePushService.Subscription phone = push.subscribe();
        subscribe("ana", laptop);
        subscribe("ana", phone);
        push.failNext(1, 429, Optional.of(1));

        sendPush("n-2", "ana", "Retry");

        await("both browsers to have it", Duration.ofSeconds(30), () -> push.received().size() == 2);
        Thread.sleep(300);
        assertEquals(2, push.received().size());
        assertEquals(3, push.requests(), "one 429, then one delivery per browser");
    }

    @Test
    void twoTicksAtOnceNotifyAReminderOnceAndPublishReminderSent() throws Exception {
        subscribe("ana", push.subscribe());
        WebhookEndpoint hook = store.webhookEndpoints().create(business, URI.create(receiver.url()),
                Set.of("reminder.sent"), SECRET);
        Reminder reminder = store.reminders().create(new NewReminder(business, Optional.empty(), "ana",
                Instant.now().plus(Duration.ofMinutes(10)), "Reunião com a Maria"));

        for (int i = 0; i < 2; i++) {
            queue.enqueue(RemindersTickJob.DEFINITION.request(new JobDefinition.NoArgs(), PeriodicJobs.SYSTEM_BUSINESS,
                    "tick-" + i));
        }

        await("the reminder's push", () -> push.received().size() == 1);
        await("the reminder.sent webhook", () -> receiver.accepted().size() == 1);
        await("its delivery to be recorded", () -> store.webhookDeliveries().recent(business, hook.id(), 10).stream()
                .anyMatch(d -> d.status().equals("delivered")));
        queue.enqueue(RemindersTickJob.DEFINITION.request(new JobDefinition.NoArgs(), PeriodicJobs.SYSTEM_BUSINESS,
                "tick-later"));
        Thread.sleep(1500);
        assertEquals(1, push.received().size(), "one push for the 15-minute offset, not a burst");
        JsonNode payload = JSON.readTree(push.received().getFirst().plaintext());
        assertEquals("Reunião com a Maria", payload.path("title").asText());
        assertEquals(Optional.of("reminder-" + reminder.id().replace("-", "").substring(0, 23)),
                push.received().getFirst().topic());
        assertTrue(push.received().getFirst().ttl() <= 15 * 60);
        JsonNode event = JSON.readTree(receiver.accepted().values().iterator().next());
        assertEquals("reminder.sent", event.path("type").asText());
        assertEquals(15, event.path("data").path("minutes_before").asInt());
        assertEquals(reminder.id(), event.path("data").path("reminder_id").asText());
        assertEquals("delivered", store.webhookDeliveries().recent(business, hook.id(), 10).getFirst().status());
    }

    @Test
    void aReceiverThatWasDownGetsTheEventOnceItRecovers() throws Exception {
        WebhookEndpoint hook = store.webhookEndpoints().create(business, URI.create(receiver.url()),
                Set.of("lead.created"), SECRET);
        receiver.down();
        new WebhookEvents(store.webhookEndpoints(), queue).publish(business, "t", "msg_down1", "lead.created",
                Instant.now(), Map.of("lead_id", "l-1"));
        await("a refused attempt", () -> !receiver.attempts().isEmpty());
        receiver.up();
        await("the retried delivery", Duration.ofSeconds(30), () -> receiver.accepted().size() == 1);
        // The receiver accepts before it answers; the job records the delivery after the answer.
        await("the delivery to be recorded", () -> store.webhookDeliveries().recent(business, hook.id(), 10).stream()
                .anyMatch(d -> d.status().equals("delivered")));
        WebhookDelivery delivery = store.webhookDeliveries().recent(business, hook.id(), 10).getFirst();
        assertEquals("delivered", delivery.status());
        assertEquals(2, delivery.attempts());
        assertEquals(Set.of("msg_down1"), receiver.accepted().keySet());
    }

    @Test
    void anEndpointAnswering410IsDisabledAndGetsNothingMore() throws Exception {
        WebhookEndpoint hook = store.webhookEndpoints().create(business, URI.create(receiver.url()),
                Set.of("lead.created"), SECRET);
        receiver.gone();
        WebhookEvents events = new WebhookEvents(store.webhookEndpoints(), queue);
        events.publish(business, "t", "msg_gone1", "lead.created", Instant.now(), Map.of("lead_id", "l-1"));
        await("the endpoint to be disabled", () -> !store.webhookEndpoints().find(business, hook.id()).orElseThrow().active());
        assertEquals("failed", store.webhookDeliveries().recent(business, hook.id(), 10).getFirst().status());
        assertEquals(0, events.publish(business, "t", "msg_gone2", "lead.created", Instant.now(), Map.of()));
        Thread.sleep(500);
        assertEquals(1, receiver.attempts().size());
    }

    @Test
    void aDeliveryTheReceiverRefusesIsFailedAndVisible() throws Exception {
        String wrongSecret = StandardWebhookSignature.newSecret(new java.security.SecureRandom());
        WebhookEndpoint hook = store.webhookEndpoints().create(business, URI.create(receiver.url()),
                Set.of("lead.created"), wrongSecret);
        new WebhookEvents(store.webhookEndpoints(), queue).publish(business, "t", "msg_bad1", "lead.created",
                Instant.now(), Map.of("lead_id", "l-1"));
        await("the delivery to fail", () -> store.webhookDeliveries().recent(business, hook.id(), 10).stream()
                .anyMatch(d -> d.status().equals("failed")));
        WebhookDelivery failed = store.webhookDeliveries().recent(business, hook.id(), 10).getFirst();
        assertEquals(Optional.of("endpoint answered 401"), failed.lastError());
        assertTrue(receiver.accepted().isEmpty());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(15), condition);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
