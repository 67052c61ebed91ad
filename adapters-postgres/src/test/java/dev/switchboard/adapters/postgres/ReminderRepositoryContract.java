package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.NewReminder;
import dev.switchboard.ports.out.Reminder;
import dev.switchboard.ports.out.ReminderRepository;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link ReminderRepository} must do. */
abstract class ReminderRepositoryContract {
    private static final Instant DUE = Instant.parse("2030-01-15T15:00:00Z");

    abstract ReminderRepository reminders();

    abstract LeadRepository leads();

    private Reminder create(String business, String user, Instant due) {
        return reminders().create(new NewReminder(business, Optional.empty(), user, due, "Ligar para a Maria"));
    }

    @Test
    void aReminderIsStoredWithItsLeadAndListedSoonestFirst() {
        String business = "biz-" + UUID.randomUUID();
        String lead = leads().upsert(new LeadContact(business, Optional.of("+5511977770001"), Optional.empty(),
                Optional.empty(), Optional.empty(), "whatsapp")).lead().id();
        Reminder later = reminders().create(new NewReminder(business, Optional.of(lead), "ana", DUE.plusSeconds(60), "b"));
        Reminder sooner = create(business, "ana", DUE);
        Reminder other = create(business, "bia", DUE);
        assertEquals(Optional.of(lead), later.leadId());
        assertEquals(List.of(sooner, later), reminders().list(business, Optional.of("ana"), DUE.minusSeconds(1), 10));
        assertEquals(3, reminders().list(business, Optional.empty(), DUE.minusSeconds(1), 10).size());
        assertEquals(List.of(later), reminders().list(business, Optional.of("ana"), DUE.plusSeconds(1), 10));
        assertEquals(other, reminders().find(business, other.id()).orElseThrow());
    }

    @Test
    void aLeadOfAnotherBusinessIsRefused() {
        String theirs = "biz-" + UUID.randomUUID();
        String lead = leads().upsert(new LeadContact(theirs, Optional.of("+5511977770002"), Optional.empty(),
                Optional.empty(), Optional.empty(), "whatsapp")).lead().id();
        assertThrows(IllegalArgumentException.class, () -> reminders().create(
                new NewReminder("biz-" + UUID.randomUUID(), Optional.of(lead), "ana", DUE, "x")));
    }

    @Test
    void anotherBusinessCanNeitherSeeNorDeleteIt() {
        String mine = "biz-" + UUID.randomUUID();
        Reminder reminder = create(mine, "ana", DUE);
        String theirs = "biz-" + UUID.randomUUID();
        assertTrue(reminders().find(theirs, reminder.id()).isEmpty());
        assertTrue(reminders().list(theirs, Optional.empty(), DUE.minusSeconds(1), 10).isEmpty());
        assertFalse(reminders().delete(theirs, reminder.id()));
        assertTrue(reminders().delete(mine, reminder.id()));
        assertFalse(reminders().delete(mine, reminder.id()));
    }

    @Test
    void dueBetweenSpansEveryBusiness() {
        Instant due = DUE.plus(Duration.ofDays(400)).plusSeconds(UUID.randomUUID().hashCode() & 0xffff);
        Reminder a = create("biz-" + UUID.randomUUID(), "ana", due);
        Reminder b = create("biz-" + UUID.randomUUID(), "bia", due.plusSeconds(30));
        create("biz-" + UUID.randomUUID(), "cai", due.plusSeconds(120));
        assertEquals(List.of(a, b), reminders().owedBetween(due, due.plusSeconds(30), due, List.of(30, 15), 10));
    }

    @Test
    void aReminderAlreadyPushedForTheOffsetOwedNowIsNotOwed() {
        Instant due = DUE.plus(Duration.ofDays(500)).plusSeconds(UUID.randomUUID().hashCode() & 0xffff);
        String business = "biz-" + UUID.randomUUID();
        Reminder pushed = create(business, "ana", due);
        Reminder later = create(business, "bia", due.plusSeconds(60));
        List<Integer> offsets = List.of(30, 15);
        Instant thirtyBefore = due.minus(Duration.ofMinutes(30));   // both are owed their 30-minute push
        assertEquals(List.of(pushed, later), reminders().owedBetween(due, later.dueAt(), thirtyBefore, offsets, 10));
        assertTrue(reminders().pushOnce(pushed, 30, () -> { }));
        assertEquals(List.of(later), reminders().owedBetween(due, later.dueAt(), thirtyBefore, offsets, 10),
                "pushed for 30: no longer owed, and no longer in the page");
        assertEquals(List.of(later), reminders().owedBetween(due, later.dueAt(), thirtyBefore, offsets, 1),
                "a page of one is not filled by the pushed reminder");
        Instant fifteenBefore = due.minus(Duration.ofMinutes(15));   // now the first is owed its 15-minute push
        assertEquals(List.of(pushed, later), reminders().owedBetween(due, later.dueAt(), fifteenBefore, offsets, 10));
        assertTrue(reminders().pushOnce(pushed, 15, () -> { }));
        assertEquals(List.of(later), reminders().owedBetween(due, later.dueAt(), fifteenBefore, offsets, 10));
    }

    @Test
    void aPushIsLoggedOncePerOffset() {
        Reminder reminder = create("biz-" + UUID.randomUUID(), "ana", DUE);
        AtomicInteger pushes = new AtomicInteger();
        assertTrue(reminders().pushOnce(reminder, 30, pushes::incrementAndGet));
        assertFalse(reminders().pushOnce(reminder, 30, pushes::incrementAndGet));
        assertTrue(reminders().pushOnce(reminder, 15, pushes::incrementAndGet));
        assertEquals(2, pushes.get());
    }

    @Test
    void aFailedPushLeavesNoLogSoTheNextTickTriesAgain() {
        Reminder reminder = create("biz-" + UUID.randomUUID(), "ana", DUE);
        assertThrows(IllegalStateException.class, () -> reminders().pushOnce(reminder, 15, () -> {
            throw new IllegalStateException("Redis down");
        }));
        AtomicInteger pushes = new AtomicInteger();
        assertTrue(reminders().pushOnce(reminder, 15, pushes::incrementAndGet));
        assertEquals(1, pushes.get());
    }

    @Test
    void concurrentTicksPushOnce() throws Exception {
        Reminder reminder = create("biz-" + UUID.randomUUID(), "ana", DUE);
        int ticks = 6;
        AtomicInteger pushes = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(ticks);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ticks)) {
            for (int i = 0; i < ticks; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return reminders().pushOnce(reminder, 15, () -> {
                        pushes.incrementAndGet();
                        sleep(200); // the others' inserts wait on this uncommitted row
                    });
                }));
            }
            int won = 0;
            for (Future<Boolean> result : results) {
                won += result.get() ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(1, pushes.get());
        }
    }

    @Test
    void aDeletedReminderIsNotPushed() {
        String business = "biz-" + UUID.randomUUID();
        Reminder reminder = create(business, "ana", DUE);
        reminders().delete(business, reminder.id());
        assertFalse(reminders().pushOnce(reminder, 15, () -> {
            throw new AssertionError("pushed a deleted reminder");
        }));
    }

    @Test
    void cleanupDeletesRemindersDueBeforeTheCutoffWithTheirLog() {
        String business = "biz-" + UUID.randomUUID();
        Instant old = Instant.parse("2001-01-01T00:00:00Z").plusSeconds(UUID.randomUUID().hashCode() & 0xffff);
        Reminder gone = create(business, "ana", old);
        reminders().pushOnce(gone, 15, () -> { });
        Reminder kept = create(business, "ana", old.plus(Duration.ofDays(40)));
        assertTrue(reminders().deleteDueBefore(old.plusSeconds(1)) >= 1);
        assertTrue(reminders().find(business, gone.id()).isEmpty());
        assertTrue(reminders().find(business, kept.id()).isPresent());
        assertEquals(0, reminders().deleteDueBefore(old.plusSeconds(1)), "a rerun finds nothing");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
