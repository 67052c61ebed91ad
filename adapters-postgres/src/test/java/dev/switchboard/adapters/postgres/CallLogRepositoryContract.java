package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogPage;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
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
import org.junit.jupiter.api.Test;

/** What every {@link CallLogRepository} must do: idempotent writes, one business's calls only. */
abstract class CallLogRepositoryContract {
    private static final Instant START = Instant.parse("2026-11-30T09:00:00Z");

    abstract CallLogRepository calls();

    abstract LeadRepository leads();

    private static String business() {
        return "biz-" + UUID.randomUUID();
    }

    private static String sid() {
        return "CA" + UUID.randomUUID().toString().replace("-", "");
    }

    private static CallLogStart start(String business, String sid, Instant at) {
        return new CallLogStart(business, sid, "inbound", Optional.of("+5511988887777"), Optional.of("+5511999990000"),
                Optional.of("MZ" + sid.substring(2)), at);
    }

    private static CallTurn turn(int seq, String speaker, String text, Instant at) {
        return new CallTurn(seq, speaker, text, at);
    }

    private static final CallLogEnd COMPLETED = new CallLogEnd("completed", Optional.of(START.plusSeconds(42)),
            Optional.empty());

    @Test
    void openingTwiceGivesOneLogAndAStreamSidFillsInOneItLacked() {
        String business = business();
        String sid = sid();
        CallLog first = calls().open(new CallLogStart(business, sid, "outbound", Optional.of("+5511999990000"),
                Optional.of("+5511988887777"), Optional.empty(), START));
        assertTrue(first.streamSid().isEmpty());
        assertFalse(first.finalized());
        CallLog again = calls().open(start(business, sid, START.plusSeconds(5)));
        assertEquals(first.id(), again.id());
        assertEquals("outbound", again.direction(), "the first open's facts stay");
        assertEquals(START, again.startedAt());
        assertEquals(Optional.of("MZ" + sid.substring(2)), again.streamSid());
        assertEquals(again, calls().open(start(business, sid, START)), "a third open changes nothing");
        assertEquals(1, calls().list(business, 0, 10).total());
    }

    @Test
    void turnsAreSavedOncePerNumberAndMakeTheTranscriptInOrder() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        assertTrue(calls().saveTurn(business, sid, turn(1, "caller", "What are your hours?", START.plusSeconds(5))));
        assertTrue(calls().saveTurn(business, sid, turn(0, "agent", "Hello! How can I help?", START.plusSeconds(1))));
        assertFalse(calls().saveTurn(business, sid, turn(1, "caller", "What are your hours?", START.plusSeconds(5))),
                "a rerun of the same turn");
        assertEquals(List.of(0, 1), calls().turns(business, sid).stream().map(CallTurn::seq).toList());
        assertEquals(Optional.of("agent: Hello! How can I help?\ncaller: What are your hours?"),
                calls().find(business, sid).orElseThrow().transcript());
    }

    @Test
    void concurrentTurnsAllReachTheTranscript() throws Exception {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        int turns = 8;
        CyclicBarrier together = new CyclicBarrier(turns);
        List<Future<Boolean>> saved = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(turns)) {
            for (int i = 0; i < turns; i++) {
                int seq = i;
                saved.add(pool.submit(() -> {
                    together.await();
                    return calls().saveTurn(business, sid, turn(seq, seq % 2 == 0 ? "agent" : "caller", "turn " + seq,
                            START.plusSeconds(seq)));
                }));
            }
            for (Future<Boolean> f : saved) {
                assertTrue(f.get());
            }
        }
        String transcript = calls().find(business, sid).orElseThrow().transcript().orElseThrow();
        assertEquals(turns, transcript.lines().count(), transcript);
    }

    @Test
    void aCallIsFinalizedOnceAndNeverChangedAfter() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        calls().saveTurn(business, sid, turn(0, "agent", "Hello!", START.plusSeconds(1)));
        AtomicInteger published = new AtomicInteger();
        CallLogRepository.Finalization first = calls().finalizeOnce(business, sid, COMPLETED,
                log -> published.incrementAndGet()).orElseThrow();
        assertTrue(first.finalizedNow());
        CallLog log = first.log();
        assertEquals(Optional.of("completed"), log.outcome());
        assertEquals(Optional.of(START.plusSeconds(42)), log.endedAt());
        assertEquals(Optional.of(42), log.durationSeconds());
        assertEquals(Optional.of("agent: Hello!"), log.transcript());

        CallLogRepository.Finalization second = calls().finalizeOnce(business, sid,
                new CallLogEnd("interrupted", Optional.of(START.plusSeconds(99)), Optional.empty()),
                l -> published.incrementAndGet()).orElseThrow();
        assertFalse(second.finalizedNow());
        assertEquals(log, second.log(), "a finalized call is never changed");
        assertEquals(1, published.get(), "the event runs with the one finalization");
        calls().open(start(business, sid, START));
        assertEquals(log, calls().find(business, sid).orElseThrow(), "opening it again does not reopen it");
    }

    @Test
    void aTurnSavedAfterTheEndStillReachesTheTranscript() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        calls().finalizeOnce(business, sid, COMPLETED, log -> { });
        calls().saveTurn(business, sid, turn(0, "caller", "Bye", START.plusSeconds(40)));
        CallLog log = calls().find(business, sid).orElseThrow();
        assertEquals(Optional.of("caller: Bye"), log.transcript());
        assertEquals(Optional.of("completed"), log.outcome());
    }

    @Test
    void anotherBusinessesCallIsHeldByAnotherBusinessButOnesOwnIsNot() {
        String business = business();
        String other = business();
        String sid = sid();
        assertFalse(calls().heldByAnotherBusiness(business, sid), "no log at all");
        calls().open(start(other, sid, START));
        assertTrue(calls().heldByAnotherBusiness(business, sid));
        assertFalse(calls().heldByAnotherBusiness(other, sid), "its own call");
        assertEquals(Optional.empty(), calls().find(business, sid), "and still not found by the first");
    }

    @Test
    void whenTheFinalizingStepFailsTheCallStaysOpen() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        assertThrows(IllegalStateException.class, () -> calls().finalizeOnce(business, sid, COMPLETED, log -> {
            throw new IllegalStateException("Redis down");
        }));
        assertFalse(calls().find(business, sid).orElseThrow().finalized());
        assertTrue(calls().finalizeOnce(business, sid, COMPLETED, log -> { }).orElseThrow().finalizedNow());
    }

    @Test
    void racingFinalizersFinalizeOnce() throws Exception {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        int racers = 6;
        AtomicInteger published = new AtomicInteger();
        CyclicBarrier together = new CyclicBarrier(racers);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                String outcome = i % 2 == 0 ? "completed" : "interrupted";
                results.add(pool.submit(() -> {
                    together.await();
                    return calls().finalizeOnce(business, sid, new CallLogEnd(outcome, Optional.empty(), Optional.empty()),
                            log -> published.incrementAndGet()).orElseThrow().finalizedNow();
                }));
            }
            int won = 0;
            for (Future<Boolean> r : results) {
                won += r.get() ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(1, published.get());
        }
    }

    @Test
    void anEndNobodySawIsTheLastTurnAndTheProvidersDurationWins() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        calls().saveTurn(business, sid, turn(0, "agent", "Hello!", START.plusSeconds(2)));
        calls().saveTurn(business, sid, turn(1, "caller", "Hi", START.plusSeconds(17)));
        CallLog log = calls().finalizeOnce(business, sid, new CallLogEnd("interrupted", Optional.empty(),
                Optional.empty()), l -> { }).orElseThrow().log();
        assertEquals(Optional.of(START.plusSeconds(17)), log.endedAt());
        assertEquals(Optional.of(17), log.durationSeconds());

        String other = sid();
        calls().open(start(business, other, START));
        CallLog provider = calls().finalizeOnce(business, other, new CallLogEnd("completed",
                Optional.of(START.plusSeconds(30)), Optional.of(31)), l -> { }).orElseThrow().log();
        assertEquals(Optional.of(31), provider.durationSeconds());
        String early = sid();
        calls().open(start(business, early, START));
        CallLog skewed = calls().finalizeOnce(business, early, new CallLogEnd("completed",
                Optional.of(START.minusSeconds(3)), Optional.empty()), l -> { }).orElseThrow().log();
        assertEquals(Optional.of(START), skewed.endedAt(), "never before its start");
        assertEquals(Optional.of(0), skewed.durationSeconds());
    }

    @Test
    void aCallIsLinkedToALeadOfItsOwnBusinessOnly() {
        String business = business();
        String sid = sid();
        calls().open(start(business, sid, START));
        String lead = leads().upsert(new LeadContact(business, Optional.of("+5511988887777"), Optional.empty(),
                Optional.empty(), Optional.empty(), "call")).lead().id();
        String theirLead = leads().upsert(new LeadContact(business(), Optional.of("+5511988887777"), Optional.empty(),
                Optional.empty(), Optional.empty(), "call")).lead().id();
        assertThrows(IllegalArgumentException.class, () -> calls().linkLead(business, sid, theirLead));
        assertThrows(IllegalArgumentException.class, () -> calls().linkLead(business, sid, "not-a-lead"));
        assertTrue(calls().linkLead(business, sid, lead));
        assertTrue(calls().linkLead(business, sid, lead), "linking again is harmless");
        assertEquals(Optional.of(lead), calls().find(business, sid).orElseThrow().leadId());
        assertFalse(calls().linkLead(business, sid(), lead), "no such call");
    }

    @Test
    void anotherBusinessNeitherSeesNorChangesTheCall() {
        String mine = business();
        String theirs = business();
        String sid = sid();
        calls().open(start(mine, sid, START));
        calls().saveTurn(mine, sid, turn(0, "agent", "Hello!", START));
        assertTrue(calls().find(theirs, sid).isEmpty());
        assertTrue(calls().turns(theirs, sid).isEmpty());
        assertEquals(0, calls().list(theirs, 0, 10).total());
        assertFalse(calls().saveTurn(theirs, sid, turn(1, "caller", "sneaky", START)));
        assertTrue(calls().finalizeOnce(theirs, sid, COMPLETED, l -> { }).isEmpty());
        assertFalse(calls().find(mine, sid).orElseThrow().finalized());
        assertEquals(1, calls().turns(mine, sid).size());
        // The same sid opened by another business is that business's own log.
        CallLog twin = calls().open(start(theirs, sid, START));
        assertFalse(twin.id().equals(calls().find(mine, sid).orElseThrow().id()));
        assertTrue(calls().turns(theirs, sid).isEmpty());
    }

    @Test
    void listingIsNewestFirstAndPaged() {
        String business = business();
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String sid = sid();
            sids.add(sid);
            calls().open(start(business, sid, START.plus(Duration.ofMinutes(i))));
        }
        CallLogPage first = calls().list(business, 0, 2);
        assertEquals(5, first.total());
        assertEquals(List.of(sids.get(4), sids.get(3)), first.calls().stream().map(CallLog::callSid).toList());
        CallLogPage last = calls().list(business, 4, 2);
        assertEquals(List.of(sids.get(0)), last.calls().stream().map(CallLog::callSid).toList());
    }

    @Test
    void theSweepSeesOpenStreamedCallsOfEveryBusinessOldestFirst() {
        Instant old = Instant.parse("2001-01-01T00:00:00Z").plusSeconds(UUID.randomUUID().hashCode() & 0xffff);
        String a = business();
        String b = business();
        String sidA = sid();
        String sidB = sid();
        String done = sid();
        String noStream = sid();
        calls().open(start(a, sidA, old));
        calls().open(start(b, sidB, old.plusSeconds(1)));
        calls().open(start(a, done, old));
        calls().finalizeOnce(a, done, COMPLETED, l -> { });
        calls().open(new CallLogStart(b, noStream, "outbound", Optional.empty(), Optional.empty(), Optional.empty(), old));
        List<String> open = calls().openStreamsStartedBefore(old.plusSeconds(2), 1000).stream()
                .map(CallLog::callSid).toList();
        assertTrue(open.indexOf(sidA) >= 0 && open.indexOf(sidA) < open.indexOf(sidB), open.toString());
        assertFalse(open.contains(done));
        assertFalse(open.contains(noStream), "a call no stream carried is the provider's to end");
        assertFalse(calls().openStreamsStartedBefore(old.plusSeconds(1), 1000).stream()
                .anyMatch(c -> c.callSid().equals(sidB)), "started at the cutoff is not before it");
    }
}
