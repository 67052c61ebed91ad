package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.LimitReachedException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link GmailConnectionRepository} must do, whatever stores it. */
abstract class GmailConnectionRepositoryContract {

    abstract GmailConnectionRepository connections();

    static String business() {
        return "biz-" + UUID.randomUUID();
    }

    @Test
    void aConnectedMailboxIsListedFoundAndActiveWithNoHistoryYet() {
        String business = business();
        GmailConnection connected = connections().connect(business, "vendas@example.com", "1//token-a");
        assertEquals("vendas@example.com", connected.email());
        assertEquals("1//token-a", connected.refreshToken());
        assertEquals(1, connected.generation());
        assertTrue(connected.active());
        assertEquals(Optional.empty(), connected.historyId());
        assertEquals(Optional.empty(), connected.lastSyncedAt());
        assertEquals(List.of(connected.id()), connections().list(business).stream().map(GmailConnection::id).toList());
        assertEquals(connected, connections().find(business, connected.id()).orElseThrow());
        assertTrue(connections().active(10_000).stream().anyMatch(c -> c.id().equals(connected.id())));
        assertFalse(connected.toString().contains("token-a"), "the token never shows in logs");
    }

    @Test
    void connectingTheSameAddressAgainReplacesTheTokenKeepsTheHistoryAndReactivates() {
        String business = business();
        GmailConnection first = connections().connect(business, "Vendas@Example.com", "1//token-a");
        connections().synced(business, first.id(), new BigInteger("18446744073709551615"), Instant.parse("2026-11-30T10:00:00Z"));
        connections().reconnectNeeded(business, first.id(), first.generation(), "invalid_grant");
        assertEquals(GmailConnection.RECONNECT_NEEDED, connections().find(business, first.id()).orElseThrow().status());
        assertTrue(connections().active(10_000).stream().noneMatch(c -> c.id().equals(first.id())), "not synced while refused");

        GmailConnection again = connections().connect(business, "vendas@example.COM", "1//token-b");
        assertEquals(first.id(), again.id());
        assertEquals("1//token-b", again.refreshToken());
        assertEquals(2, again.generation());
        assertTrue(again.active());
        assertEquals(Optional.empty(), again.lastError());
        assertEquals(Optional.of(new BigInteger("18446744073709551615")), again.historyId(), "uint64 kept exactly");
        assertEquals(1, connections().list(business).size());
    }

    @Test
    void aStaleSyncCannotMarkAFreshConnectionForReconnect() {
        String business = business();
        GmailConnection old = connections().connect(business, "a@example.com", "1//token-a");
        connections().connect(business, "a@example.com", "1//token-b");
        connections().reconnectNeeded(business, old.id(), old.generation(), "invalid_grant for the old token");
        GmailConnection now = connections().find(business, old.id()).orElseThrow();
        assertTrue(now.active());
        assertEquals(Optional.empty(), now.lastError());
    }

    @Test
    void historyIdsOnlyMoveForwardAndASyncClearsTheError() {
        String business = business();
        GmailConnection c = connections().connect(business, "b@example.com", "1//token");
        connections().failed(business, c.id(), "Gmail answered 429");
        assertEquals(Optional.of("Gmail answered 429"), connections().find(business, c.id()).orElseThrow().lastError());
        Instant at = Instant.parse("2026-11-30T10:05:00Z");
        connections().synced(business, c.id(), BigInteger.valueOf(1_000_500), at);
        connections().synced(business, c.id(), BigInteger.valueOf(1_000_100), at.plusSeconds(1)); // finished out of order
        GmailConnection synced = connections().find(business, c.id()).orElseThrow();
        assertEquals(Optional.of(BigInteger.valueOf(1_000_500)), synced.historyId());
        assertEquals(Optional.empty(), synced.lastError());
        assertEquals(Optional.of(at.plusSeconds(1)), synced.lastSyncedAt());
        assertTrue(synced.active());
    }

    @Test
    void anotherBusinessNeitherSeesNorChangesAConnection() {
        String business = business();
        String other = business();
        GmailConnection c = connections().connect(business, "c@example.com", "1//token");
        assertEquals(Optional.empty(), connections().find(other, c.id()));
        assertEquals(List.of(), connections().list(other));
        assertFalse(connections().delete(other, c.id()));
        connections().synced(other, c.id(), BigInteger.TEN, Instant.now());
        connections().failed(other, c.id(), "x");
        connections().reconnectNeeded(other, c.id(), c.generation(), "x");
        assertEquals(c, connections().find(business, c.id()).orElseThrow());
        GmailConnection theirs = connections().connect(other, "c@example.com", "1//their-token");
        assertFalse(theirs.id().equals(c.id()), "the same address in two businesses is two connections");
        assertEquals(Optional.empty(), connections().find(business, "not-a-uuid'; DROP TABLE gmail_connections; --"));
    }

    @Test
    void deletingForgetsTheConnection() {
        String business = business();
        GmailConnection c = connections().connect(business, "d@example.com", "1//token");
        assertTrue(connections().delete(business, c.id()));
        assertFalse(connections().delete(business, c.id()));
        assertEquals(Optional.empty(), connections().find(business, c.id()));
        assertTrue(connections().active(10_000).stream().noneMatch(x -> x.id().equals(c.id())));
    }

    @Test
    void concurrentConnectsOfOneMailboxLeaveOneConnection() throws Exception {
        String business = business();
        int callers = 6;
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<GmailConnection>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                String token = "1//token-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return connections().connect(business, "e@example.com", token);
                }));
            }
            Set<String> ids = new HashSet<>();
            Set<Integer> generations = new HashSet<>();
            for (Future<GmailConnection> result : results) {
                ids.add(result.get().id());
                generations.add(result.get().generation());
            }
            assertEquals(1, ids.size());
            assertEquals(callers, generations.size(), "each connect counted once");
        }
        assertEquals(1, connections().list(business).size());
    }

    @Test
    void concurrentConnectsCannotGoOverTheLimitButAKnownMailboxReconnects() throws Exception {
        int limit = GmailConnectionRepository.MAX_PER_BUSINESS;
        String last = "";
        // A race shows only sometimes: several rounds, each with one place left and eight takers.
        for (int round = 0; round < 5; round++) {
            String business = business();
            last = business;
            for (int i = 0; i < limit - 1; i++) {
                connections().connect(business, "box" + i + "@example.com", "1//token-" + i);
            }
            String racing = business;
            int callers = 8;
            CyclicBarrier start = new CyclicBarrier(callers);
            List<Future<GmailConnection>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
                for (int i = 0; i < callers; i++) {
                    String email = "new" + i + "@example.com";
                    results.add(pool.submit(() -> {
                        start.await();
                        return connections().connect(racing, email, "1//token-new");
                    }));
                }
                int connected = 0;
                for (Future<GmailConnection> result : results) {
                    try {
                        result.get();
                        connected++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertInstanceOf(LimitReachedException.class, e.getCause());
                        assertEquals(limit, ((LimitReachedException) e.getCause()).limit());
                    }
                }
                assertEquals(1, connected, "only the place left is taken (round " + round + ")");
            }
        }
        String business = last;
        assertEquals(limit, connections().list(business).size());
        GmailConnection again = connections().connect(business, "BOX0@example.com", "1//token-again");
        assertEquals(2, again.generation(), "a mailbox already connected reconnects at the limit");
        assertThrows(LimitReachedException.class, () -> connections().connect(business, "one-more@example.com", "1//t"));
        String other = business();
        connections().connect(other, "box0@example.com", "1//theirs");
        assertEquals(1, connections().list(other).size(), "another business is not held to this one's count");
    }

    @Test
    void aMailboxWaitingOutGooglesWaitIsLeftOutOfThePeriodicSyncUntilASyncOrAReconnect() {
        String business = business();
        // Times from the store's own clock (the connection's creation), which need not be the wall clock.
        GmailConnection c = connections().connect(business, "quota@example.com", "1//token");
        GmailConnection other = connections().connect(business, "other@example.com", "1//token-2");
        connections().waitUntil(business, c.id(), "Gmail's daily quota is used up", c.createdAt().plusSeconds(3600));
        connections().waitUntil(business(), other.id(), "another business's id changes nothing", c.createdAt().plusSeconds(3600));
        assertTrue(connections().active(10_000).stream().noneMatch(x -> x.id().equals(c.id())), "waiting");
        assertTrue(connections().active(10_000).stream().anyMatch(x -> x.id().equals(other.id())));
        assertEquals(Optional.of("Gmail's daily quota is used up"), connections().find(business, c.id()).orElseThrow().lastError());
        // A shorter wait does not cut a longer one short.
        connections().waitUntil(business, c.id(), "429", c.createdAt().minusSeconds(1));
        assertTrue(connections().active(10_000).stream().noneMatch(x -> x.id().equals(c.id())), "still waiting");

        connections().synced(business, c.id(), BigInteger.TEN, Instant.now());
        assertTrue(connections().active(10_000).stream().anyMatch(x -> x.id().equals(c.id())), "a sync ends the wait");

        connections().waitUntil(business, c.id(), "429", c.createdAt().plusSeconds(600));
        connections().connect(business, "Quota@example.com", "1//token-new");
        assertTrue(connections().active(10_000).stream().anyMatch(x -> x.id().equals(c.id())), "a reconnect ends it");

        connections().waitUntil(business, c.id(), "429", c.createdAt().minusSeconds(1));
        assertTrue(connections().active(10_000).stream().anyMatch(x -> x.id().equals(c.id())), "a wait that is over");
    }
}
