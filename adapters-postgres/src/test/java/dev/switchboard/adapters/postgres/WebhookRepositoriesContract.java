package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LimitReachedException;
import dev.switchboard.ports.out.WebhookDelivery;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link WebhookEndpointRepository} and {@link WebhookDeliveryRepository} must do. */
abstract class WebhookRepositoriesContract {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");

    abstract WebhookEndpointRepository endpoints();

    abstract WebhookDeliveryRepository deliveries();

    private WebhookEndpoint endpoint(String business, Set<String> events) {
        return endpoints().create(business, URI.create("https://hooks.example.com/" + UUID.randomUUID()), events, SECRET);
    }

    @Test
    void endpointsAreFoundByTheEventsTheyWantWhileActive() {
        String business = "biz-" + UUID.randomUUID();
        WebhookEndpoint leads = endpoint(business, Set.of("lead.created", "message.received"));
        WebhookEndpoint reminders = endpoint(business, Set.of("reminder.sent"));
        assertEquals(List.of(leads), endpoints().subscribedTo(business, "lead.created"));
        assertEquals(List.of(reminders), endpoints().subscribedTo(business, "reminder.sent"));
        assertEquals(SECRET, endpoints().find(business, leads.id()).orElseThrow().secret());
        endpoints().disable(business, reminders.id());
        assertTrue(endpoints().subscribedTo(business, "reminder.sent").isEmpty());
        assertFalse(endpoints().find(business, reminders.id()).orElseThrow().active());
        assertEquals(2, endpoints().list(business).size());
    }

    @Test
    void anotherBusinessSeesNoneAndCannotDisableOrDelete() {
        String mine = "biz-" + UUID.randomUUID();
        String theirs = "biz-" + UUID.randomUUID();
        WebhookEndpoint endpoint = endpoint(mine, Set.of("lead.created"));
        assertTrue(endpoints().list(theirs).isEmpty());
        assertTrue(endpoints().find(theirs, endpoint.id()).isEmpty());
        assertTrue(endpoints().subscribedTo(theirs, "lead.created").isEmpty());
        endpoints().disable(theirs, endpoint.id());
        assertFalse(endpoints().delete(theirs, endpoint.id()));
        assertTrue(endpoints().find(mine, endpoint.id()).orElseThrow().active());
        assertTrue(deliveries().recent(theirs, endpoint.id(), 10).isEmpty());
    }

    @Test
    void attemptsAreCountedOnOneRowPerEventUntilDelivered() {
        String business = "biz-" + UUID.randomUUID();
        WebhookEndpoint endpoint = endpoint(business, Set.of("lead.created"));
        String body = "{\"type\":\"lead.created\",\"data\":{}}";
        deliveries().attempted(business, endpoint.id(), "msg_1", "lead.created", body, Optional.of("503"), T);
        deliveries().attempted(business, endpoint.id(), "msg_1", "lead.created", body, Optional.empty(), T.plusSeconds(5));
        deliveries().delivered(business, endpoint.id(), "msg_1", T.plusSeconds(5));
        deliveries().failed(business, endpoint.id(), "msg_1", "too late");
        WebhookDelivery delivery = deliveries().recent(business, endpoint.id(), 10).getFirst();
        assertEquals("delivered", delivery.status(), "a delivered event stays delivered");
        assertEquals(2, delivery.attempts());
        assertEquals(Optional.of(T.plusSeconds(5)), delivery.deliveredAt());
    }

    @Test
    void aFailedDeliveryIsVisibleAndARequeuedAttemptMakesItPendingAgain() {
        String business = "biz-" + UUID.randomUUID();
        WebhookEndpoint endpoint = endpoint(business, Set.of("lead.created"));
        deliveries().attempted(business, endpoint.id(), "msg_2", "lead.created", "{}", Optional.of("401"), T);
        deliveries().failed(business, endpoint.id(), "msg_2", "endpoint answered 401");
        WebhookDelivery failed = deliveries().recent(business, endpoint.id(), 10).getFirst();
        assertEquals("failed", failed.status());
        assertEquals(Optional.of("endpoint answered 401"), failed.lastError());
        deliveries().attempted(business, endpoint.id(), "msg_2", "lead.created", "{}", Optional.of("500"), T.plusSeconds(60));
        assertEquals("pending", deliveries().recent(business, endpoint.id(), 10).getFirst().status());
    }

    @Test
    void deletingAnEndpointDeletesItsDeliveriesAndLaterAttemptsAreIgnored() {
        String business = "biz-" + UUID.randomUUID();
        WebhookEndpoint endpoint = endpoint(business, Set.of("lead.created"));
        deliveries().attempted(business, endpoint.id(), "msg_3", "lead.created", "{}", Optional.empty(), T);
        assertTrue(endpoints().delete(business, endpoint.id()));
        deliveries().attempted(business, endpoint.id(), "msg_4", "lead.created", "{}", Optional.empty(), T);
        assertTrue(deliveries().recent(business, endpoint.id(), 10).isEmpty());
    }
    @Test
    void concurrentCreatesCannotGoOverTheLimit() throws Exception {
        int limit = WebhookEndpointRepository.MAX_PER_BUSINESS;
        String last = "";
        // A race shows only sometimes: several rounds, each with one place left and eight takers.
        for (int round = 0; round < 5; round++) {
            String business = "biz-" + UUID.randomUUID();
            last = business;
            for (int i = 0; i < limit - 1; i++) {
                endpoint(business, Set.of("lead.created"));
            }
            String racing = business;
            int callers = 8;
            CyclicBarrier start = new CyclicBarrier(callers);
            List<Future<WebhookEndpoint>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
                for (int i = 0; i < callers; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return endpoint(racing, Set.of("lead.created"));
                    }));
                }
                int created = 0;
                for (Future<WebhookEndpoint> result : results) {
                    try {
                        result.get();
                        created++;
                    } catch (ExecutionException e) {
                        assertInstanceOf(LimitReachedException.class, e.getCause());
                        assertEquals(limit, ((LimitReachedException) e.getCause()).limit());
                    }
                }
                assertEquals(1, created, "only the place left is taken (round " + round + ")");
            }
        }
        String business = last;
        assertEquals(limit, endpoints().list(business).size());
        assertThrows(LimitReachedException.class, () -> endpoint(business, Set.of("lead.created")));
        String other = "biz-" + UUID.randomUUID();
        endpoint(other, Set.of("lead.created"));
        assertEquals(1, endpoints().list(other).size(), "another business is not held to this one's count");
    }
}
