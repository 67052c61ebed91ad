package dev.switchboard.domain;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LeaseAttempt;
import dev.switchboard.ports.out.LeaseLock;
import dev.switchboard.ports.out.SchedulerTicks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's tick: the rules of one cycle, driven by the scheduler role's loop. Duties:
 * <ul>
 *   <li>take the leader lease, or renew it when this process already holds it; stand by while
 *       another process holds it;</li>
 *   <li>as leader, enqueue every periodic occurrence due since the last recorded tick (reaching
 *       back at most the catch-up window), each with its slot id as dedupe key and a
 *       deterministic job id, so an occurrence becomes one job however many leaders try;</li>
 *   <li>before each enqueue, confirm and extend the lease and record the progress made so far
 *       (one atomic call, {@link SchedulerTicks#recordTick}); stop the cycle as soon as the lease
 *       is lost, leaving the rest to the new leader, which resumes from that progress;</li>
 *   <li>record the tick at the end of the cycle, only while still holding the lease, so the next
 *       cycle (of whichever leader) resumes there;</li>
 *   <li>on a clean stop, {@link #stop() stop} before the next enqueue and {@link #stepDown() step
 *       down}, so a standby takes over at its next tick instead of after the lease expires.</li>
 * </ul>
 * Never: executes a job, starts a thread, or reads a clock other than the one it is given.
 *
 * <p>Why the lease is confirmed before each enqueue instead of being checked inside the enqueue
 * script: exactly-once does not rest on the lease. It rests on the dedupe key, taken atomically
 * with the job in the queue's one enqueue script, so two leaders that overlap (a paused leader
 * waking after its lease expired) still produce one job per slot. The lease only keeps the
 * second leader from trying, and a check one round trip before each enqueue narrows a deposed
 * leader's attempts to at most one slot, which the dedupe key then folds. A lease-aware copy of
 * the enqueue script would buy nothing more and duplicate the job layout in a second place.
 *
 * <p>Why progress is recorded before each enqueue and not only at the end of the cycle: a
 * catch-up cycle can be long (a new leader after a crash, a scheduler back after an outage), and
 * a leader killed in the middle of it would otherwise leave its successor the whole window to do
 * again. Recording rides on the lease check, so it costs no extra round trip.
 *
 * <p>Not thread-safe: one loop thread calls {@link #tick()}; {@link #stop()} and
 * {@link #stepDown()} may be called from a shutdown hook.
 */
public final class PeriodicScheduler {

    /**
     * How long a slot's dedupe key outlives its enqueue: the catch-up window (the longest any
     * scheduler keeps a slot due) plus an hour, so that a scheduler whose clock is up to an hour
     * behind still finds the key of a slot another one enqueued.
     */
    public static Duration dedupeTtl(Duration catchUp) {
        return catchUp.plus(Duration.ofHours(1));
    }

    /**
     * The settings of a scheduler process.
     *
     * @param owner    this process's lease owner id, unique per process start
     * @param leaseTtl how long the lease lasts unless renewed
     * @param catchUp  how far back a tick reaches for occurrences a previous leader missed
     * @param jobs     the periodic job table
     */
    public record Config(String owner, Duration leaseTtl, Duration catchUp, List<PeriodicJob> jobs) {
        public Config {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(leaseTtl, "leaseTtl");
            Objects.requireNonNull(catchUp, "catchUp");
            jobs = List.copyOf(jobs);
            if (owner.isBlank()) {
                throw new IllegalArgumentException("the lease owner id must not be blank");
            }
            if (leaseTtl.isNegative() || leaseTtl.isZero() || catchUp.isNegative() || catchUp.isZero()) {
                throw new IllegalArgumentException("lease TTL and catch-up window must be positive");
            }
        }
    }

    private final Config config;
    private final Duration dedupeTtl;
    private final Clock clock;
    private final LeaseLock lease;
    private final SchedulerTicks ticks;
    private final JobQueue queue;
    private final ScheduleEvents events;
    private long cycle;
    private boolean leading;
    private volatile boolean stopping;

    public PeriodicScheduler(Config config, Clock clock, LeaseLock lease, SchedulerTicks ticks, JobQueue queue,
                             ScheduleEvents events) {
        this.config = Objects.requireNonNull(config, "config");
        this.dedupeTtl = dedupeTtl(config.catchUp());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.ticks = Objects.requireNonNull(ticks, "ticks");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** This process's lease owner id. */
    public String owner() {
        return config.owner();
    }

    /**
     * Runs one cycle.
     *
     * @throws dev.switchboard.ports.out.JobStoreUnavailableException when the store cannot be reached;
     *     what was enqueued stays enqueued and the next leader tick resumes from the last recorded
     *     tick, so nothing is lost and dedupe folds the repeats
     */
    public ScheduleOutcome tick() {
        long n = ++cycle;
        if (stopping) {
            return new ScheduleOutcome.Stopped(n);
        }
        LeaseAttempt attempt = lease.acquire(config.owner(), config.leaseTtl());
        if (attempt instanceof LeaseAttempt.HeldByOther holder) {
            leading = false;
            events.standingBy(n, holder);
            return new ScheduleOutcome.StoodBy(n, holder.owner());
        }
        events.leading(n, !leading || attempt instanceof LeaseAttempt.Acquired);
        leading = true;

        Instant now = clock.instant();
        Optional<Instant> lastTick = ticks.lastTick();
        ScheduleWindow window = ScheduleWindow.of(lastTick, now, config.catchUp());
        if (lastTick.isPresent() && lastTick.get().isBefore(window.after())) {
            events.skipped(n, lastTick.get(), window.after());
        }
        List<Slot> due = window.dueSlots(config.jobs());
        List<String> created = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        // Every slot starting at or before 'done' is enqueued. Slots that start together are one
        // group: 'done' reaches a start only once the whole group is through.
        Instant done = window.after();
        Instant previous = null;
        for (Slot slot : due) {
            int left = due.size() - created.size() - duplicates.size();
            if (stopping) {
                events.stopped(n, left);
                return new ScheduleOutcome.Led(n, window, created, duplicates, false);
            }
            if (previous != null && slot.start().isAfter(previous)) {
                done = previous;
            }
            if (!ticks.recordTick(config.owner(), config.leaseTtl(), done)) {
                return lost(n, window, created, duplicates, left);
            }
            EnqueueResult result = queue.enqueue(slot.request(dedupeTtl));
            (result instanceof EnqueueResult.Enqueued ? created : duplicates).add(slot.id());
            events.enqueued(n, slot, result);
            previous = slot.start();
        }
        if (!ticks.recordTick(config.owner(), config.leaseTtl(), now)) {
            return lost(n, window, created, duplicates, 0);
        }
        events.completed(n, window, created.size(), duplicates.size());
        return new ScheduleOutcome.Led(n, window, created, duplicates, true);
    }

    private ScheduleOutcome lost(long n, ScheduleWindow window, List<String> created, List<String> duplicates,
                                 int left) {
        leading = false;
        events.leaseLost(n, left);
        return new ScheduleOutcome.Led(n, window, created, duplicates, false);
    }

    /**
     * Asks this scheduler to stop, from any thread (a shutdown hook): the cycle in flight stops
     * before its next enqueue and later ticks do nothing. The cycle's tick is then not recorded,
     * so the next leader resumes where the last completed cycle ended and dedupe folds what this
     * one enqueued. Stopping at once, rather than finishing a possibly long catch-up, is what lets
     * a standby take over within one tick of a SIGTERM.
     */
    public void stop() {
        stopping = true;
    }

    /**
     * Gives the lease up if this process still holds it (compare-and-delete). Call once the loop
     * has stopped ticking.
     *
     * @return true when the lease was this process's and is now free
     */
    public boolean stepDown() {
        return lease.release(config.owner());
    }
}
