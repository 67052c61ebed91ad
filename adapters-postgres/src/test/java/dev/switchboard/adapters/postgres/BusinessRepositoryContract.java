package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link BusinessRepository} must do, whatever stores it. */
abstract class BusinessRepositoryContract {

    abstract BusinessRepository businesses();

    /** Call logs in the same store: which businesses take calls is read from them. */
    abstract dev.switchboard.ports.out.CallLogRepository callLogs();

    @Test
    void businessesWithCallsSinceAreThoseWithACallAtOrAfterTheInstant() {
        java.time.Instant now = java.time.Instant.parse("2031-06-01T12:00:00Z");
        String recent = "biz-" + UUID.randomUUID();
        String old = "biz-" + UUID.randomUUID();
        String none = "biz-" + UUID.randomUUID();
        businesses().findOrCreate(none);
        callLogs().open(new dev.switchboard.ports.out.CallLogStart(recent, "CA" + UUID.randomUUID(), "inbound",
                Optional.of("+5511988887777"), Optional.of("+5511999990000"), Optional.empty(), now));
        callLogs().open(new dev.switchboard.ports.out.CallLogStart(old, "CA" + UUID.randomUUID(), "inbound",
                Optional.of("+5511988887777"), Optional.of("+5511999990000"), Optional.empty(),
                now.minus(java.time.Duration.ofDays(40))));

        List<String> ids = businesses().idsWithCallsSince(now, 10_000);
        assertEquals(true, ids.contains(recent), ids.toString());
        assertEquals(false, ids.contains(old) || ids.contains(none), ids.toString());
        assertEquals(ids.stream().sorted().toList(), ids, "in id order");
        assertEquals(true, businesses().idsWithCallsSince(now.minus(java.time.Duration.ofDays(41)), 10_000)
                .containsAll(List.of(recent, old)));
        assertEquals(1, businesses().idsWithCallsSince(now.minus(java.time.Duration.ofDays(41)), 1).size());
    }

    @Test
    void anUnknownBusinessIsNotFound() {
        assertEquals(Optional.empty(), businesses().find("biz-" + UUID.randomUUID()));
    }

    @Test
    void findOrCreateMakesAnUnconfiguredBusinessOnce() {
        String id = "biz-" + UUID.randomUUID();
        Business created = businesses().findOrCreate(id);
        assertEquals(Business.unconfigured(id), created);
        businesses().save(new Business(id, "Clínica Sol", ZoneId.of("America/Sao_Paulo"), Optional.empty(), Map.of()));
        assertEquals("Clínica Sol", businesses().findOrCreate(id).name(), "an existing business is found, not reset");
    }

    @Test
    void concurrentFindOrCreateGivesEveryCallerTheSameBusiness() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                String id = "biz-" + UUID.randomUUID();
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<Business>> results = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    results.add(callers.submit(() -> {
                        together.await();
                        return businesses().findOrCreate(id);
                    }));
                }
                Set<Business> seen = new HashSet<>();
                for (Future<Business> result : results) {
                    seen.add(result.get());
                }
                assertEquals(Set.of(Business.unconfigured(id)), seen);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void saveCreatesOrReplacesNameZonePromptAndSettings() {
        String id = "biz-" + UUID.randomUUID();
        Business first = new Business(id, "Sol", ZoneId.of("Europe/Lisbon"), Optional.of("You are Sol's assistant."),
                Map.of("reply_language", "pt", "quote \"odd\" keys", "{\"json\": [1]}"));
        assertEquals(first, businesses().save(first));
        assertEquals(Optional.of(first), businesses().find(id));

        Business second = new Business(id, "Sol Clinic", ZoneId.of("UTC"), Optional.empty(), Map.of());
        assertEquals(second, businesses().save(second));
        assertEquals(Optional.of(second), businesses().find(id));
    }
}
