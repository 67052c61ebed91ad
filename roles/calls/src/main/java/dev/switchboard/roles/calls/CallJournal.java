package dev.switchboard.roles.calls;

import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The calls role's one path to the job store: a single thread ({@code sb-call-journal}), so that
 * no audio, TX, agent or recognizer thread ever waits for Redis to take a write (the agent's one read,
 * its prompt, is {@link CallPrompts}'s, bounded). Duties:
 * <ul>
 *   <li>takes the jobs of live calls (a call's start, each turn, its end) from any thread without
 *       blocking it ({@link #submit}: a bounded queue; when it is full the job is dropped, and
 *       said so in the log);</li>
 *   <li>enqueues them in the order they came; while Redis is down it retries the oldest, and
 *       gives a job up after {@link #GIVE_UP_AFTER} (logged) — the call itself goes on;</li>
 *   <li>marks this process's live calls live ({@link LiveCalls}) every third of
 *       {@code CALL_LIVENESS_TTL}, before anything else, and a call's first mark before its
 *       first job, so the sweep for calls of dead processes never takes a live call for a dead one;</li>
 *   <li>on close, gives what is still waiting {@link #DRAIN} to reach Redis (the finalizations of
 *       calls ended by the shutdown), then stops and is joined.</li>
 * </ul>
 */
final class CallJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallJournal.class.getName());
    /** Jobs waiting at most: a minute of a thousand calls' turns and more. */
    static final int CAPACITY = 50_000;
    /** How long a job waits for Redis to come back before it is given up. */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
    static final Duration DRAIN = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_MS = 1000;

    /** What a live call hands over: its jobs, after marking it live when it is new. */
    private record Entry(List<JobRequest> jobs, Optional<LiveCalls.Call> markFirst, long submittedNanos) {
    }

    /**
     * What {@link #close} puts in the queue to wake the thread for its drain. An interrupt would
     * do it too, but one landing inside a Redis write cancels the command after it may have been
     * sent: the write would be retried on the strength of the job's dedupe alone.
     */
    private static final Entry WAKE = new Entry(List.of(), Optional.empty(), 0);

    private final JobQueue queue;
    private final LiveCalls live;
    private final Duration livenessTtl;
    private final Supplier<Collection<LiveCalls.Call>> liveNow;
    private final BlockingQueue<Entry> pending = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long drainUntilNanos = Long.MAX_VALUE;
    private boolean outage;

    /**
     * @param liveNow the calls this process serves now (asked on the journal's thread)
     */
    CallJournal(JobQueue queue, LiveCalls live, Duration livenessTtl, Supplier<Collection<LiveCalls.Call>> liveNow) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.live = Objects.requireNonNull(live, "live");
        this.livenessTtl = Objects.requireNonNull(livenessTtl, "livenessTtl");
        this.liveNow = Objects.requireNonNull(liveNow, "liveNow");
        this.thread = RoleThreads.start("sb-call-journal", this::run);
    }

    /** A new call: mark it live, then enqueue its first jobs. Never blocks. */
    void started(LiveCalls.Call call, List<JobRequest> jobs) {
        offer(new Entry(List.copyOf(jobs), Optional.of(call), System.nanoTime()));
    }

    /** Jobs of a call already started. Never blocks. */
    void submit(JobRequest job) {
        offer(new Entry(List.of(job), Optional.empty(), System.nanoTime()));
    }

    private void offer(Entry entry) {
        if (!running || !pending.offer(entry)) {
            long n = dropped.incrementAndGet();
            LOG.warning("call job dropped (" + (running ? "journal full, " + CAPACITY + " waiting" : "calls role stopping")
                    + "): " + describe(entry) + "; dropped so far: " + n);
        }
    }

    /** Jobs given up so far (journal full, Redis down too long, stopping). */
    long dropped() {
        return dropped.get();
    }

    /** Jobs waiting for Redis now. */
    int waiting() {
        return pending.size();
    }

    private void run() {
        long markEveryNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), livenessTtl.toNanos() / 3);
        long nextMark = System.nanoTime();
        Entry head = null;
        long backoffMs = 50;
        while (running || (head != null || !pending.isEmpty()) && System.nanoTime() < drainUntilNanos) {
            try {
                if (System.nanoTime() >= nextMark && running) {
                    if (mark(liveNow.get())) {
                        nextMark = System.nanoTime() + markEveryNanos;
                    }
                }
                if (head == null) {
                    long wait = running ? Math.max(1, nextMark - System.nanoTime()) : TimeUnit.MILLISECONDS.toNanos(10);
                    head = pending.poll(wait, TimeUnit.NANOSECONDS);
                    if (head == WAKE) {
                        head = null;   // the close's wake-up call; draining goes on to its deadline
                    }
                    if (head == null) {
                        continue;
                    }
                }
                if (write(head)) {
                    head = null;
                    backoffMs = 50;
                    recovered();
                } else if (System.nanoTime() - head.submittedNanos() > GIVE_UP_AFTER.toNanos()) {
                    long n = dropped.incrementAndGet();
                    LOG.warning("call job given up after " + GIVE_UP_AFTER.toSeconds() + " s without Redis: "
                            + describe(head) + "; dropped so far: " + n);
                    head = null;
                } else {
                    Thread.sleep(backoffMs);
                    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                }
            } catch (InterruptedException e) {
                // Nobody should interrupt this thread (close() wakes it with WAKE): the loop goes on.
                LOG.fine("call journal interrupted; ignored");
            } catch (RuntimeException e) {
                // A bug, not an outage: never let it end the journal.
                LOG.log(Level.SEVERE, "call journal: " + e, e);
                head = null;
            }
        }
        pending.remove(WAKE);
        int left = pending.size() + (head == null ? 0 : 1);
        if (left > 0) {
            dropped.addAndGet(left);
            LOG.warning("calls role stopped with " + left + " call job(s) not enqueued (Redis unreachable)");
        }
    }

    /** Marks the calls live; false (logged once per outage) when Redis cannot be reached. */
    private boolean mark(Collection<LiveCalls.Call> calls) {
        try {
            live.markLive(calls, livenessTtl);
            return true;
        } catch (JobStoreUnavailableException e) {
            unavailable(e);
            return false;
        }
    }

    /** One entry's writes; false when Redis cannot take them now (the entry is tried again). */
    private boolean write(Entry entry) {
        try {
            entry.markFirst().ifPresent(call -> live.markLive(List.of(call), livenessTtl));
            if (entry.jobs().size() == 1) {
                queue.enqueue(entry.jobs().getFirst());
            } else {
                queue.enqueueAll(entry.jobs());
            }
            return true;
        } catch (JobStoreUnavailableException e) {
            unavailable(e);
            return false;
        }
    }

    private void unavailable(JobStoreUnavailableException e) {
        if (!outage) {
            outage = true;
            LOG.warning("job store unavailable: live calls go on, their jobs wait here (up to "
                    + GIVE_UP_AFTER.toSeconds() + " s each): " + e.getMessage());
        }
    }

    private void recovered() {
        if (outage) {
            outage = false;
            LOG.info("job store reachable again: call jobs are enqueued, " + pending.size() + " still waiting");
        }
    }

    private static String describe(Entry entry) {
        JobRequest first = entry.jobs().getFirst();
        Object sid = first.kwargs().get("call_sid");
        return first.name() + (entry.jobs().size() > 1 ? " (+" + (entry.jobs().size() - 1) + ")" : "")
                + " call_sid=" + sid + " business_id=" + first.businessId() + " trace_id=" + first.traceId();
    }

    /** Stops taking jobs, gives the waiting ones {@link #DRAIN} to reach Redis, and joins the thread. */
    @Override
    public void close() {
        drainUntilNanos = System.nanoTime() + DRAIN.toNanos();
        running = false;
        // offer never blocks; when the queue is full the thread is busy writing, not waiting in poll.
        if (!pending.offer(WAKE)) {
            LOG.fine("call journal full at close: its thread is busy, no wake-up needed");
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
