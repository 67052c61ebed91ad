package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.JobsOverview;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one reading of the job store that {@code /metrics}, {@code /api/jobs/health} and the
 * dashboard share: read at most once per {@code maxAge} (a second), however many scrapes arrive.
 * Callers that arrive while a reading is under way wait for that reading instead of starting
 * their own, so a flood of scrapes costs the store one call a second, and one at a time even when
 * the store is slow or down (a failed reading is not kept: the next caller tries again). Starts no
 * thread: the first caller reads on its own request thread.
 */
public final class OverviewCache {
    private final JobsOverview overview;
    private final List<String> queues;
    private final List<String> jobNames;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private JobsOverview.Overview cached;
    private long readAtNanos;
    private CompletableFuture<JobsOverview.Overview> inFlight;

    public OverviewCache(JobsOverview overview, List<String> queues, Collection<String> jobNames, Duration maxAge) {
        this.overview = overview;
        this.queues = List.copyOf(queues);
        this.jobNames = jobNames.stream().sorted().toList();
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The queues the overview covers, in priority order. */
    public List<String> queues() {
        return queues;
    }

    /**
     * The job names of {@code overview}: those given at construction (the catalogue), and every
     * other name that has settled an attempt (diagnostic and benchmark jobs), sorted.
     */
    public static List<String> jobNames(JobsOverview.Overview overview, List<String> known) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(known);
        names.addAll(overview.jobs().keySet());
        return List.copyOf(names);
    }

    /** The job names given at construction (the catalogue's). */
    public List<String> knownJobNames() {
        return jobNames;
    }

    /**
     * The overview, at most {@code maxAge} old.
     *
     * @throws dev.switchboard.ports.out.JobStoreUnavailableException when the store cannot be read
     */
    public JobsOverview.Overview current() {
        CompletableFuture<JobsOverview.Overview> reading;
        boolean reader = false;
        lock.lock();
        try {
            if (cached != null && System.nanoTime() - readAtNanos < maxAgeNanos) {
                return cached;
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                reader = true;
            }
            reading = inFlight;
        } finally {
            lock.unlock();
        }
        if (reader) {
            try {
                JobsOverview.Overview fresh = overview.read(queues);
                lock.lock();
                try {
                    cached = fresh;
                    readAtNanos = System.nanoTime();
                    inFlight = null;
                } finally {
                    lock.unlock();
                }
                reading.complete(fresh);
                return fresh;
            } catch (RuntimeException | Error e) {
                lock.lock();
                try {
                    inFlight = null;
                } finally {
                    lock.unlock();
                }
                reading.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return reading.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
