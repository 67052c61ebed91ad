package dev.switchboard.roles.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoleThreadsTest {

    @Test
    void platformThreadIsNamedNonDaemonAndCountedUntilItEnds() throws Exception {
        int before = RoleThreads.running();
        CountDownLatch release = new CountDownLatch(1);
        Thread t = RoleThreads.start("sb-test-loop", () -> await(release));
        assertEquals("sb-test-loop", t.getName());
        assertFalse(t.isDaemon());
        assertFalse(t.isVirtual());
        assertEquals(before + 1, RoleThreads.running());
        release.countDown();
        t.join();
        assertEquals(before, RoleThreads.running());
    }

    @Test
    void virtualThreadIsNamedAndCounted() throws Exception {
        int before = RoleThreads.running();
        CountDownLatch release = new CountDownLatch(1);
        Thread t = RoleThreads.startVirtual("sb-call-test-tx", () -> await(release));
        assertTrue(t.isVirtual());
        assertEquals("sb-call-test-tx", t.getName());
        assertEquals(before + 1, RoleThreads.running());
        release.countDown();
        t.join();
        assertEquals(before, RoleThreads.running());
    }

    @Test
    void aThreadThatDiesIsUncountedAndItsFailureReachesTheHandler() throws Exception {
        int before = RoleThreads.running();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread t = RoleThreads.start("sb-test-dies", () -> {
            Thread.currentThread().setUncaughtExceptionHandler((th, e) -> seen.set(e));
            throw new IllegalStateException("boom");
        });
        t.join();
        assertEquals(before, RoleThreads.running());
        assertEquals("boom", seen.get().getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
