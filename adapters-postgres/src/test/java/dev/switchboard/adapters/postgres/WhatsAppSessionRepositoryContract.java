package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.WhatsAppSession;
import dev.switchboard.ports.out.WhatsAppSessionRepository;
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
import org.junit.jupiter.api.Test;

/** What every {@link WhatsAppSessionRepository} must do, whatever stores it. */
abstract class WhatsAppSessionRepositoryContract {

    abstract WhatsAppSessionRepository sessions();

    abstract LeadRepository leads();

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    String lead(String business, String phone) {
        return leads().upsert(new LeadContact(business, Optional.of(phone), Optional.empty(), Optional.empty(),
                Optional.empty(), "whatsapp")).lead().id();
    }

    @Test
    void theFirstTouchOpensASessionAndLaterTouchesMoveItsLastActivity() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511977770001");
        WhatsAppSession opened = sessions().touch(business, lead, T0);
        WhatsAppSession touched = sessions().touch(business, lead, T0.plusSeconds(30));
        assertEquals(opened.id(), touched.id());
        assertEquals(T0, opened.openedAt());
        assertEquals(T0, touched.openedAt());
        assertEquals(T0.plusSeconds(30), touched.lastActivityAt());
        assertEquals(Optional.empty(), touched.summarizedAt());
        assertEquals(business, touched.businessId());
        assertEquals(lead, touched.leadId());
    }

    @Test
    void aLateTouchNeverMovesTheLastActivityBackwards() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511977770002");
        sessions().touch(business, lead, T0.plusSeconds(60));
        WhatsAppSession late = sessions().touch(business, lead, T0.plusSeconds(10));
        assertEquals(T0.plusSeconds(60), late.lastActivityAt());
    }

    @Test
    void concurrentTouchesKeepOneOpenSessionAtTheLatestActivity() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                String lead = lead(business, "+55119777" + String.format("%05d", round));
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<WhatsAppSession>> results = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    Instant at = T0.plusSeconds(w);
                    results.add(writers.submit(() -> {
                        together.await();
                        return sessions().touch(business, lead, at);
                    }));
                }
                Set<String> ids = new HashSet<>();
                for (Future<WhatsAppSession> result : results) {
                    ids.add(result.get().id());
                }
                assertEquals(1, ids.size(), "one open session, round " + round);
                assertEquals(T0.plusSeconds(3), sessions().touch(business, lead, T0).lastActivityAt(), "round " + round);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void eachLeadHasItsOwnSessionAndAnotherBusinessesLeadIsRefused() {
        String business = "biz-" + UUID.randomUUID();
        String other = "biz-" + UUID.randomUUID();
        String a = lead(business, "+5511977770003");
        String b = lead(business, "+5511977770004");
        String theirs = lead(other, "+5511977770005");
        assertNotEquals(sessions().touch(business, a, T0).id(), sessions().touch(business, b, T0).id());
        assertThrows(IllegalArgumentException.class, () -> sessions().touch(business, theirs, T0));
        assertThrows(IllegalArgumentException.class, () -> sessions().touch(business, "not-a-uuid", T0));
        assertTrue(sessions().touch(other, theirs, T0).businessId().equals(other));
    }

    @Test
    void idleListsOpenSessionsQuietSinceTheCutoffLongestIdleFirst() {
        String business = "biz-" + UUID.randomUUID();
        String quiet = lead(business, "+5511966660001");
        String quieter = lead(business, "+5511966660002");
        String active = lead(business, "+5511966660003");
        sessions().touch(business, quiet, T0.plusSeconds(120));
        sessions().touch(business, quieter, T0.plusSeconds(60));
        sessions().touch(business, active, T0.plusSeconds(900));
        List<String> idle = sessions().idle(T0.plusSeconds(600), 10_000).stream()
                .filter(s -> s.businessId().equals(business)).map(WhatsAppSession::leadId).toList();
        assertEquals(List.of(quieter, quiet), idle);
    }

    @Test
    void closingWithASummaryClosesOnceAndPutsTheSummaryOnTheLead() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511966660004");
        WhatsAppSession open = sessions().touch(business, lead, T0);
        assertTrue(sessions().closeWithSummary(open, "Wants a quote.", T0.plusSeconds(1000)));
        assertTrue(!sessions().closeWithSummary(open, "Again.", T0.plusSeconds(1001)), "closed once");
        assertEquals(Optional.of("Wants a quote."), leads().find(business, lead).orElseThrow().summary());
        assertTrue(sessions().idle(T0.plusSeconds(5000), 10_000).stream().noneMatch(s -> s.id().equals(open.id())));
        WhatsAppSession next = sessions().touch(business, lead, T0.plusSeconds(2000));
        assertNotEquals(open.id(), next.id(), "the next message opens a new session");
    }

    @Test
    void aSessionThatMovedSinceItWasReadStaysOpen() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511966660005");
        WhatsAppSession read = sessions().touch(business, lead, T0);
        sessions().touch(business, lead, T0.plusSeconds(10));
        assertTrue(!sessions().closeWithSummary(read, "Half the story.", T0.plusSeconds(20)));
        assertEquals(Optional.empty(), leads().find(business, lead).orElseThrow().summary());
        assertEquals(read.id(), sessions().touch(business, lead, T0.plusSeconds(30)).id(), "still open");
    }

    @Test
    void twoRunsClosingOneSessionAtOnceCloseItOnce() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        ExecutorService closers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                String lead = lead(business, "+55119666" + String.format("%05d", 100 + round));
                WhatsAppSession open = sessions().touch(business, lead, T0);
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    String text = "summary " + w;
                    results.add(closers.submit(() -> {
                        together.await();
                        return sessions().closeWithSummary(open, text, T0.plusSeconds(100));
                    }));
                }
                int closed = 0;
                for (Future<Boolean> result : results) {
                    closed += result.get() ? 1 : 0;
                }
                assertEquals(1, closed, "round " + round);
            }
        } finally {
            closers.shutdownNow();
        }
    }
}
