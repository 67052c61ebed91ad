package dev.switchboard.roles.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attempts a worker holds and the slots they occupy (at most {@code concurrency}), plus the
 * worker's running totals for python-rq's worker hash. Attempts are keyed by lease token, not job
 * id: a timed-out or abandoned attempt may still be unwinding when the same job's next attempt
 * starts on this worker.
 */
final class RunningAttempts {
    private final int concurrency;
    private final Semaphore slots;
    private final Map<String, JobAttempt> byToken = new ConcurrentHashMap<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong workingNanos = new AtomicLong();
    private volatile boolean stopping;

    RunningAttempts(int concurrency) {
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
    }

    void add(JobAttempt attempt) {
        byToken.put(attempt.job().leaseToken(), attempt);
    }

    void remove(JobAttempt attempt) {
        byToken.remove(attempt.job().leaseToken(), attempt);
    }

    Collection<JobAttempt> all() {
        return byToken.values();
    }

    int size() {
        return byToken.size();
    }

    /**
     * Waits up to {@code wait} for a free slot, then takes every free slot up to {@code max}.
     *
     * @return slots taken, 0 when none was free in time
     */
    int acquireFree(Duration wait, int max) throws InterruptedException {
        if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int taken = 1 + slots.drainPermits();
        if (taken > max) {
            slots.release(taken - max);
            taken = max;
        }
        return taken;
    }

    void releaseSlot() {
        slots.release();
    }

    void releaseSlots(int count) {
        if (count > 0) {
            slots.release(count);
        }
    }

    /** Waits until every slot is free (all attempts ended), up to {@code timeout}. */
    boolean awaitAllFree(Duration timeout) throws InterruptedException {
        if (slots.tryAcquire(concurrency, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release(concurrency);
            return true;
        }
        return false;
    }

    void counted(boolean success, Duration took) {
        (success ? succeeded : failed).incrementAndGet();
        workingNanos.addAndGet(took.toNanos());
    }

    long succeeded() {
        return succeeded.get();
    }

    long failed() {
        return failed.get();
    }

    double workingSeconds() {
        return workingNanos.get() / 1e9;
    }

    boolean stopping() {
        return stopping;
    }

    void stopping(boolean value) {
        stopping = value;
    }
}
