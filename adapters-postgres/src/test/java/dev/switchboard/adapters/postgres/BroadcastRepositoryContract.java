package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.BroadcastAudience;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BroadcastRun;
import dev.switchboard.ports.out.BroadcastStatus;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.NewBroadcast;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link BroadcastRepository} must do. */
abstract class BroadcastRepositoryContract {

    abstract BroadcastRepository broadcasts();

    abstract LeadRepository leads();

    private static String business() {
        return "biz-" + UUID.randomUUID();
    }

    private BroadcastRun create(String business, String runId, List<String> phones) {
        return broadcasts().create(new NewBroadcast(business, runId, "Promoção de Natal!",
                new BroadcastAudience.Recipients(phones), 100), run -> "job-" + runId).run();
    }

    private String lead(String business, Optional<String> phone, Optional<String> lid, String source) {
        return leads().upsert(new LeadContact(business, phone, Optional.empty(), lid, Optional.empty(), source))
                .lead().id();
    }

    @Test
    void aRunIsWrittenWithItsRecipientsAndItsJobBeforeItCommits() {
        String business = business();
        AtomicReference<BroadcastRun> seenByEnqueue = new AtomicReference<>();
        BroadcastRepository.Creation creation = broadcasts().create(new NewBroadcast(business, "promo-1", "Oi!",
                new BroadcastAudience.Recipients(List.of("+5511900000003", "+5511900000001", "+5511900000002",
                        "+5511900000001")), 100), run -> {
                    seenByEnqueue.set(run);
                    return "broadcast_job-abc";
                });
        assertTrue(creation.created());
        assertEquals(BroadcastStatus.QUEUED, seenByEnqueue.get().status());
        assertEquals(3, seenByEnqueue.get().total(), "a repeated number is one recipient");
        BroadcastRun run = creation.run();
        assertEquals(Optional.of("broadcast_job-abc"), run.jobId());
        assertEquals("Oi!", run.message());
        assertEquals(3, run.remaining());
        assertEquals(0, run.progress());
        assertEquals(run, broadcasts().find(business, "promo-1").orElseThrow());
        assertEquals(List.of("+5511900000001", "+5511900000002", "+5511900000003"),
                broadcasts().pending(business, "promo-1", 10));
        assertEquals(List.of("+5511900000001", "+5511900000002"), broadcasts().pending(business, "promo-1", 2));
    }

    @Test
    void aRepeatedRunIdGetsTheFirstRunAndEnqueuesNothing() {
        String business = business();
        BroadcastRun first = create(business, "promo-2", List.of("+5511900000001"));
        AtomicInteger enqueued = new AtomicInteger();
        BroadcastRepository.Creation again = broadcasts().create(new NewBroadcast(business, "promo-2", "other text",
                new BroadcastAudience.Recipients(List.of("+5511900000009")), 100), run -> {
                    enqueued.incrementAndGet();
                    return "job-x";
                });
        assertFalse(again.created());
        assertEquals(first, again.run());
        assertEquals(0, enqueued.get());
        assertEquals(List.of("+5511900000001"), broadcasts().pending(business, "promo-2", 10));
        // The same run id is another business's own.
        assertTrue(broadcasts().create(new NewBroadcast(business(), "promo-2", "x",
                new BroadcastAudience.Recipients(List.of("+5511900000001")), 100), run -> "job-y").created());
    }

    @Test
    void aFailedEnqueueLeavesNoRunBehind() {
        String business = business();
        assertThrows(IllegalStateException.class, () -> broadcasts().create(new NewBroadcast(business, "promo-3", "x",
                new BroadcastAudience.Recipients(List.of("+5511900000001")), 100), run -> {
                    throw new IllegalStateException("Redis down");
                }));
        assertTrue(broadcasts().find(business, "promo-3").isEmpty());
        assertTrue(broadcasts().pending(business, "promo-3", 10).isEmpty());
        assertTrue(create(business, "promo-3", List.of("+5511900000001")).jobId().isPresent(), "a retry can make it");
    }

    @Test
    void aLeadFilterTakesTheBusinesssMatchingLeadsByPhoneOrElsePrivacyId() {
        String business = business();
        lead(business, Optional.of("+5511911110001"), Optional.empty(), "whatsapp");
        lead(business, Optional.empty(), Optional.of("123456789012345@lid"), "whatsapp");
        lead(business, Optional.of("+5511911110003"), Optional.empty(), "call");
        lead(business(), Optional.of("+5511911110004"), Optional.empty(), "whatsapp");
        BroadcastRun run = broadcasts().create(new NewBroadcast(business, "promo-4", "x",
                new BroadcastAudience.LeadFilter(Optional.of("new"), Optional.of("whatsapp")), 100), r -> "job").run();
        assertEquals(2, run.total());
        assertEquals(List.of("+5511911110001", "123456789012345@lid"), broadcasts().pending(business, "promo-4", 10));
        BroadcastRun all = broadcasts().create(new NewBroadcast(business, "promo-5", "x",
                new BroadcastAudience.LeadFilter(Optional.empty(), Optional.empty()), 100), r -> "job").run();
        assertEquals(3, all.total());
    }

    @Test
    void anAudienceOfNobodyOrOfTooManyIsRefusedAndWritesNothing() {
        String business = business();
        AtomicInteger enqueued = new AtomicInteger();
        BroadcastRepository.AudienceRejected none = assertThrows(BroadcastRepository.AudienceRejected.class,
                () -> broadcasts().create(new NewBroadcast(business, "promo-6", "x",
                        new BroadcastAudience.LeadFilter(Optional.of("won"), Optional.empty()), 100), r -> {
                            enqueued.incrementAndGet();
                            return "job";
                        }));
        assertTrue(none.getMessage().contains("matches no lead"), none.getMessage());
        for (int i = 0; i < 3; i++) {
            lead(business, Optional.of("+551192222000" + i), Optional.empty(), "api");
        }
        BroadcastRepository.AudienceRejected many = assertThrows(BroadcastRepository.AudienceRejected.class,
                () -> broadcasts().create(new NewBroadcast(business, "promo-6", "x",
                        new BroadcastAudience.LeadFilter(Optional.empty(), Optional.empty()), 2), r -> {
                            enqueued.incrementAndGet();
                            return "job";
                        }));
        assertTrue(many.getMessage().contains("more than 2"), many.getMessage());
        assertEquals(0, enqueued.get());
        assertTrue(broadcasts().find(business, "promo-6").isEmpty());
    }

    @Test
    void anotherBusinessCanNeitherSeeNorMoveARun() {
        String mine = business();
        String theirs = business();
        create(mine, "promo-7", List.of("+5511900000001"));
        assertTrue(broadcasts().find(theirs, "promo-7").isEmpty());
        assertTrue(broadcasts().pending(theirs, "promo-7", 10).isEmpty());
        assertTrue(broadcasts().start(theirs, "promo-7").isEmpty());
        assertFalse(broadcasts().markSent(theirs, "promo-7", "+5511900000001", "3EB0AAAAAAAAAAAAAAAAAA"));
        assertFalse(broadcasts().markFailed(theirs, "promo-7", "+5511900000001", "no"));
        assertTrue(broadcasts().end(theirs, "promo-7", BroadcastStatus.CANCELLED, Optional.empty(), r -> {
            throw new AssertionError("ended another business's run");
        }).isEmpty());
        BroadcastRun run = broadcasts().find(mine, "promo-7").orElseThrow();
        assertEquals(BroadcastStatus.QUEUED, run.status());
        assertEquals(1, run.remaining());
    }

    @Test
    void eachRecipientMovesOnceAndTheCountersFollow() {
        String business = business();
        create(business, "promo-8", List.of("+5511900000001", "+5511900000002", "+5511900000003"));
        broadcasts().start(business, "promo-8").orElseThrow();
        assertTrue(broadcasts().markSent(business, "promo-8", "+5511900000001", "3EB0000000000000000001"));
        assertFalse(broadcasts().markSent(business, "promo-8", "+5511900000001", "3EB0000000000000000001"),
                "a rerun's second move changes nothing");
        assertFalse(broadcasts().markFailed(business, "promo-8", "+5511900000001", "late refusal"));
        assertTrue(broadcasts().markFailed(business, "promo-8", "+5511900000002", "gateway answered 422"));
        assertFalse(broadcasts().markFailed(business, "promo-8", "+5511900000002", "again"));
        assertFalse(broadcasts().markSent(business, "promo-8", "+5511900000099", "3EB0"), "not a recipient");
        BroadcastRun run = broadcasts().find(business, "promo-8").orElseThrow();
        assertEquals(1, run.sent());
        assertEquals(1, run.failed());
        assertEquals(1, run.remaining());
        assertEquals(66, run.progress());
        assertEquals(List.of("+5511900000003"), broadcasts().pending(business, "promo-8", 10));
    }

    @Test
    void concurrentMovesOfOneRecipientCountOnce() throws Exception {
        String business = business();
        create(business, "promo-9", List.of("+5511900000001"));
        int movers = 6;
        CyclicBarrier start = new CyclicBarrier(movers);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(movers)) {
            for (int i = 0; i < movers; i++) {
                boolean sent = i % 2 == 0;
                results.add(pool.submit(() -> {
                    start.await();
                    return sent ? broadcasts().markSent(business, "promo-9", "+5511900000001", "3EB0000000000000000001")
                            : broadcasts().markFailed(business, "promo-9", "+5511900000001", "refused");
                }));
            }
            int moved = 0;
            for (Future<Boolean> result : results) {
                moved += result.get() ? 1 : 0;
            }
            assertEquals(1, moved);
        }
        BroadcastRun run = broadcasts().find(business, "promo-9").orElseThrow();
        assertEquals(1, run.sent() + run.failed());
        assertEquals(0, run.remaining());
    }

    @Test
    void aRunCompletesOnlyWhenNoRecipientIsLeftAndAFinalRunStaysFinal() {
        String business = business();
        create(business, "promo-10", List.of("+5511900000001", "+5511900000002"));
        assertTrue(broadcasts().end(business, "promo-10", BroadcastStatus.COMPLETED, Optional.empty(), r -> { })
                .isEmpty(), "a queued run has not run");
        BroadcastRun running = broadcasts().start(business, "promo-10").orElseThrow();
        assertEquals(BroadcastStatus.RUNNING, running.status());
        assertTrue(running.startedAt().isPresent());
        broadcasts().markSent(business, "promo-10", "+5511900000001", "3EB0000000000000000001");
        assertTrue(broadcasts().end(business, "promo-10", BroadcastStatus.COMPLETED, Optional.empty(), r -> { })
                .isEmpty(), "one recipient is left");
        broadcasts().markFailed(business, "promo-10", "+5511900000002", "refused");
        AtomicReference<BroadcastRun> announced = new AtomicReference<>();
        BroadcastRun completed = broadcasts().end(business, "promo-10", BroadcastStatus.COMPLETED, Optional.empty(),
                announced::set).orElseThrow();
        assertEquals(completed, announced.get());
        assertEquals(BroadcastStatus.COMPLETED, completed.status());
        assertEquals(100, completed.progress());
        assertTrue(completed.finishedAt().isPresent());
        assertTrue(broadcasts().end(business, "promo-10", BroadcastStatus.COMPLETED, Optional.empty(), r -> {
            throw new AssertionError("announced twice");
        }).isEmpty());
        assertTrue(broadcasts().end(business, "promo-10", BroadcastStatus.CANCELLED, Optional.empty(), r -> {
            throw new AssertionError("cancelled a completed run");
        }).isEmpty());
        assertTrue(broadcasts().start(business, "promo-10").isEmpty(), "a completed run does not run again");
    }

    @Test
    void aFailedRunResumesWhenStartedAgainAndACancelledOneDoesNot() {
        String business = business();
        create(business, "promo-11", List.of("+5511900000001"));
        broadcasts().start(business, "promo-11").orElseThrow();
        BroadcastRun failed = broadcasts().end(business, "promo-11", BroadcastStatus.FAILED,
                Optional.of("gateway answered 423: session_logged_out"), r -> { }).orElseThrow();
        assertEquals(Optional.of("gateway answered 423: session_logged_out"), failed.error());
        BroadcastRun resumed = broadcasts().start(business, "promo-11").orElseThrow();
        assertEquals(BroadcastStatus.RUNNING, resumed.status());
        assertTrue(resumed.error().isEmpty());
        assertTrue(resumed.finishedAt().isEmpty());
        assertEquals(BroadcastStatus.CANCELLED, broadcasts().end(business, "promo-11", BroadcastStatus.CANCELLED,
                Optional.empty(), r -> { }).orElseThrow().status());
        assertTrue(broadcasts().start(business, "promo-11").isEmpty());
        assertEquals(BroadcastStatus.CANCELLED, broadcasts().find(business, "promo-11").orElseThrow().status());
    }

    @Test
    void anAnnouncementThatFailsLeavesTheRunAsItWas() {
        String business = business();
        create(business, "promo-12", List.of("+5511900000001"));
        assertThrows(IllegalStateException.class, () -> broadcasts().end(business, "promo-12",
                BroadcastStatus.CANCELLED, Optional.empty(), r -> {
                    throw new IllegalStateException("Redis down");
                }));
        assertEquals(BroadcastStatus.QUEUED, broadcasts().find(business, "promo-12").orElseThrow().status());
        assertTrue(broadcasts().end(business, "promo-12", BroadcastStatus.CANCELLED, Optional.empty(), r -> { })
                .isPresent(), "a repeat ends it");
    }
}
