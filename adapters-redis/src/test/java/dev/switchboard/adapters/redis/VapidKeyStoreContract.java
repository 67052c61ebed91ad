package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.VapidKeyStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link VapidKeyStore} must do; each implementation runs it. */
abstract class VapidKeyStoreContract {
    /** Fixed valid pairs (P-256 points from RFC 8291/8292's examples; the store does no crypto). */
    static final VapidKeyPair A = new VapidKeyPair(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94");
    static final VapidKeyPair B = new VapidKeyPair(
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
            "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");

    /** A store over the same storage each call (as another process would see it). */
    abstract VapidKeyStore store();

    @Test
    void nothingIsKeptAtFirst() {
        assertTrue(store().kept().isEmpty());
    }

    @Test
    void theFirstPairIsKeptAndLaterOnesAreIgnored() {
        assertEquals(A, store().keepFirst(A));
        assertEquals(A, store().keepFirst(B));
        assertEquals(A, store().kept().orElseThrow());
    }

    @Test
    void processesGeneratingAtOnceAllAgreeOnOnePair() throws Exception {
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<VapidKeyPair>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                VapidKeyStore store = store();
                VapidKeyPair candidate = i % 2 == 0 ? A : B;
                results.add(pool.submit(() -> {
                    start.await();
                    return store.keepFirst(candidate);
                }));
            }
            start.countDown();
            Set<VapidKeyPair> kept = new HashSet<>();
            for (Future<VapidKeyPair> result : results) {
                kept.add(result.get());
            }
            assertEquals(1, kept.size(), kept.toString());
            assertEquals(kept.iterator().next(), store().kept().orElseThrow());
        }
    }
}
