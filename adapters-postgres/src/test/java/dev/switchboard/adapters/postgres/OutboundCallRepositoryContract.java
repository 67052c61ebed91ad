package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.NewOutboundCall;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;
import dev.switchboard.ports.out.OutboundCallState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OutboundCallRepository} must do, since it is what places a call at most once:
 * a request commits only with its job, of concurrent runs exactly one may send the create, a move
 * from the wrong state changes nothing, and one business never reaches another's requests.
 */
abstract class OutboundCallRepositoryContract {
    static final String FROM = "+5511300000001";

    abstract OutboundCallRepository calls();

    abstract LeadRepository leads();

    private static String business() {
        return "biz-" + UUID.randomUUID();
    }

    private static NewOutboundCall request(String business, String requestId, String to) {
        return new NewOutboundCall(business, requestId, to, FROM, Optional.empty(), "<Response/>",
                "https://api.example.com/webhook/twilio/status?outbound=" + requestId);
    }

    private OutboundCall created(String business, String requestId, String to) {
        OutboundCallRepository.Creation creation = calls().create(request(business, requestId, to), c -> "job-" + requestId);
        assertTrue(creation.created());
        return creation.call();
    }

    @Test
    void aRequestIsStoredWithItsJobOnceAndARetryFindsIt() {
        String business = business();
        AtomicInteger enqueued = new AtomicInteger();
        OutboundCallRepository.Creation first = calls().create(request(business, "r-1", "+5511999990001"), c -> {
            assertEquals(OutboundCallState.REQUESTED, c.state());
            return "job-" + enqueued.incrementAndGet();
        });
        assertTrue(first.created());
        assertEquals(Optional.of("job-1"), first.call().jobId());
        assertEquals(OutboundCallState.REQUESTED, first.call().state());

        OutboundCallRepository.Creation again = calls().create(request(business, "r-1", "+5511999990009"), c -> {
            throw new AssertionError("a retried request enqueues nothing");
        });
        assertFalse(again.created());
        assertEquals("+5511999990001", again.call().toNumber(), "the first request is kept");
        assertEquals(Optional.of("job-1"), again.call().jobId());
        assertEquals(1, enqueued.get());

        assertTrue(calls().create(request(business(), "r-1", "+5511999990001"), c -> "job-other").created(),
                "another business's id is its own");
    }

    @Test
    void aRequestWhoseEnqueueFailedIsNotStored() {
        String business = business();
        assertThrows(IllegalStateException.class, () -> calls().create(request(business, "r-1", "+5511999990001"), c -> {
            throw new IllegalStateException("Redis is down");
        }));
        assertEquals(Optional.empty(), calls().find(business, "r-1"), "the request commits only with its job");
        assertTrue(calls().create(request(business, "r-1", "+5511999990001"), c -> "job-2").created());
    }

    @Test
    void ofConcurrentRunsExactlyOneMayPlaceTheCall() throws Exception {
        String business = business();
        created(business, "r-1", "+5511999990001");
        int runs = 8;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<Optional<OutboundCall>>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return calls().beginPlacing(business, "r-1");
                }));
            }
            int winners = 0;
            for (Future<Optional<OutboundCall>> result : results) {
                Optional<OutboundCall> claimed = result.get();
                if (claimed.isPresent()) {
                    winners++;
                    assertEquals(OutboundCallState.PLACING, claimed.get().state());
                    assertTrue(claimed.get().placingAt().isPresent());
                }
            }
            assertEquals(1, winners, "one run sends the create");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(OutboundCallState.PLACING, calls().find(business, "r-1").orElseThrow().state());
    }

    @Test
    void aMoveFromTheWrongStateChangesNothing() {
        String business = business();
        created(business, "r-1", "+5511999990001");
        assertFalse(calls().placed(business, "r-1", "CA" + "1".repeat(32)), "requested is not placed without placing");
        assertFalse(calls().settle(business, "r-1", OutboundCallState.UNKNOWN, "x"));
        assertFalse(calls().backToRequested(business, "r-1", "x"));
        assertEquals(OutboundCallState.REQUESTED, calls().find(business, "r-1").orElseThrow().state());

        assertTrue(calls().beginPlacing(business, "r-1").isPresent());
        assertTrue(calls().backToRequested(business, "r-1", "no connection"));
        OutboundCall back = calls().find(business, "r-1").orElseThrow();
        assertEquals(OutboundCallState.REQUESTED, back.state());
        assertEquals(Optional.of("no connection"), back.error());
        assertEquals(Optional.empty(), back.placingAt());

        assertTrue(calls().beginPlacing(business, "r-1").isPresent());
        assertTrue(calls().settle(business, "r-1", OutboundCallState.FAILED, "Twilio answered 400: invalid To"));
        assertFalse(calls().beginPlacing(business, "r-1").isPresent(), "a failed request is never placed again");
        assertFalse(calls().placed(business, "r-1", "CA" + "2".repeat(32)), "nor marked placed");
        assertFalse(calls().settle(business, "r-1", OutboundCallState.UNKNOWN, "late"), "nor settled twice");
        OutboundCall failed = calls().find(business, "r-1").orElseThrow();
        assertEquals(OutboundCallState.FAILED, failed.state());
        assertEquals(Optional.of("Twilio answered 400: invalid To"), failed.error());
        assertTrue(failed.settledAt().isPresent());

        assertThrows(IllegalArgumentException.class, () -> calls().settle(business, "r-1", OutboundCallState.PLACED, "x"));
    }

    @Test
    void anUnknownRequestIsNeverPlacedAgainButItsCallMayStillBeNamed() {
        String business = business();
        created(business, "r-1", "+5511999990001");
        assertTrue(calls().beginPlacing(business, "r-1").isPresent());
        assertTrue(calls().settle(business, "r-1", OutboundCallState.UNKNOWN, "Twilio answered 500"));
        assertFalse(calls().beginPlacing(business, "r-1").isPresent());
        String sid = "CA" + "3".repeat(32);
        assertTrue(calls().placed(business, "r-1", sid));
        OutboundCall placed = calls().find(business, "r-1").orElseThrow();
        assertEquals(OutboundCallState.PLACED, placed.state());
        assertEquals(Optional.of(sid), placed.callSid());
        assertEquals(Optional.empty(), placed.error());
        assertFalse(calls().placed(business, "r-1", "CA" + "4".repeat(32)), "placed is final");
    }

    @Test
    void oneBusinessNeverReachesAnothersRequests() {
        String ours = business();
        String theirs = business();
        created(theirs, "r-1", "+5511999990001");
        assertEquals(Optional.empty(), calls().find(ours, "r-1"));
        assertFalse(calls().beginPlacing(ours, "r-1").isPresent());
        assertTrue(calls().beginPlacing(theirs, "r-1").isPresent());
        assertFalse(calls().placed(ours, "r-1", "CA" + "5".repeat(32)));
        assertFalse(calls().settle(ours, "r-1", OutboundCallState.UNKNOWN, "x"));
        assertFalse(calls().backToRequested(ours, "r-1", "x"));
        assertEquals(OutboundCallState.PLACING, calls().find(theirs, "r-1").orElseThrow().state());
    }

    @Test
    void theClaimedSidsAreTheBusinesssOwnBetweenTheTwoNumbers() {
        String business = business();
        String other = business();
        String sidA = "CA" + "a".repeat(32);
        String sidB = "CA" + "b".repeat(32);
        for (String[] r : new String[][] {{business, "r-1", "+5511999990001", sidA}, {business, "r-2", "+5511999990002", sidB},
                {other, "r-1", "+5511999990001", "CA" + "c".repeat(32)}}) {
            created(r[0], r[1], r[2]);
            assertTrue(calls().beginPlacing(r[0], r[1]).isPresent());
            assertTrue(calls().placed(r[0], r[1], r[3]));
        }
        created(business, "r-3", "+5511999990001");
        assertEquals(Set.of(sidA), calls().placedCallSids(business, FROM, "+5511999990001"));
        assertEquals(Set.of(), calls().placedCallSids(business, "+5511300000009", "+5511999990001"));

        // A call's sid belongs to one request of the business: a second claim is refused, as "not
        // placed by this request", never an error (a status callback racing a rerun got a 500).
        assertTrue(calls().beginPlacing(business, "r-3").isPresent());
        assertFalse(calls().placed(business, "r-3", sidA));
        assertEquals(OutboundCallState.PLACING, calls().find(business, "r-3").orElseThrow().state());
    }

    @Test
    void othersInDoubtAreTheBusinesssOtherPlacingOrUnknownRequestsBetweenTheSameNumbers() {
        String business = business();
        String other = business();
        created(business, "r-1", "+5511999990001");
        created(business, "r-2", "+5511999990001");
        created(other, "r-9", "+5511999990001");
        assertTrue(calls().beginPlacing(other, "r-9").isPresent());
        assertFalse(calls().othersInDoubt(business, FROM, "+5511999990001", "r-1"), "r-2 is only requested; r-9 is not ours");
        assertTrue(calls().beginPlacing(business, "r-2").isPresent());
        assertTrue(calls().othersInDoubt(business, FROM, "+5511999990001", "r-1"), "r-2 is placing");
        assertFalse(calls().othersInDoubt(business, FROM, "+5511999990001", "r-2"), "never the request itself");
        assertFalse(calls().othersInDoubt(business, FROM, "+5511999990002", "r-1"), "another number");
        assertTrue(calls().settle(business, "r-2", OutboundCallState.UNKNOWN, "x"));
        assertTrue(calls().othersInDoubt(business, FROM, "+5511999990001", "r-1"), "r-2 is unknown");
        assertTrue(calls().placed(business, "r-2", "CA" + "d".repeat(32)));
        assertFalse(calls().othersInDoubt(business, FROM, "+5511999990001", "r-1"), "r-2 is placed: its call is claimed");
    }

    @Test
    void aLeadOfAnotherBusinessIsRefusedByTheStoreItself() {
        String ours = business();
        String theirs = business();
        String theirLead = leads().upsert(new LeadContact(theirs, Optional.of("+5511988880001"), Optional.empty(),
                Optional.empty(), Optional.of("Their lead"), "api")).lead().id();
        NewOutboundCall foreign = new NewOutboundCall(ours, "r-1", "+5511988880001", FROM, Optional.of(theirLead),
                "<Response/>", "https://api.example.com/webhook/twilio/status?outbound=r-1");
        assertThrows(RuntimeException.class, () -> calls().create(foreign, c -> "job-1"));
        assertEquals(Optional.empty(), calls().find(ours, "r-1"));

        String ourLead = leads().upsert(new LeadContact(ours, Optional.of("+5511988880002"), Optional.empty(),
                Optional.empty(), Optional.of("Our lead"), "api")).lead().id();
        OutboundCall stored = calls().create(new NewOutboundCall(ours, "r-2", "+5511988880002", FROM, Optional.of(ourLead),
                "<Response/>", "https://api.example.com/webhook/twilio/status?outbound=r-2"), c -> "job-2").call();
        assertEquals(Optional.of(ourLead), stored.leadId());
    }
}
