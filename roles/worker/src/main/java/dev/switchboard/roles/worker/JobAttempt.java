package dev.switchboard.roles.worker;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.ClaimRequest;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobCancelledException;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.Settled;
import dev.switchboard.ports.out.Settlement;
import dev.switchboard.ports.out.TraceContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One attempt of one job, on its own virtual thread. Duties:
 * <ul>
 *   <li>run the handler with the claim's lease, reporting progress through the lease holder's
 *       fenced writes;</li>
 *   <li>settle the outcome exactly once, and only while the lease can be trusted: complete,
 *       fail (a {@link JobFailure} anywhere in the cause chain decides permanent or the least
 *       delay), canceled, or released when a shutdown stopped it; a settlement that meets a Redis
 *       outage is retried until the lease can no longer be trusted;</li>
 *   <li>in the call that settles, claim the next job for the slot it frees, and hand the slot
 *       to that job's attempt.</li>
 * </ul>
 * Every other actor acts on an attempt only through its {@link State}, with compare-and-set, so
 * exactly one of them settles it: the attempt itself, or the watchdog's timeout.
 */
final class JobAttempt {
    private static final Logger LOG = Logger.getLogger(JobAttempt.class.getName());
    /** How long a timed-out handler gets to stop after its interrupt before the failure is recorded. */
    static final Duration TIMEOUT_GRACE = Duration.ofSeconds(2);

    /** Where an attempt is in its life. Terminal: {@link #SETTLED}, {@link #ABANDONED}. */
    enum State {
        /** The handler runs under a trusted lease. */
        RUNNING,
        /** A cancel was requested and the handler interrupted; it settles as canceled. */
        CANCEL_REQUESTED,
        /** A shutdown interrupted it; it is released to the front of its queue (or completes). */
        STOPPING,
        /** The watchdog timed it out; the watchdog records the failure, the handler's outcome is dropped. */
        TIMED_OUT,
        /** The attempt is writing its outcome. */
        SETTLING,
        /** Its outcome is recorded (or was fenced off). */
        SETTLED,
        /**
         * Its lease is lost or can no longer be trusted (a partition, the store said so, or a
         * shutdown left it behind): nothing it does is recorded any more.
         */
        ABANDONED;

        boolean holdsLease() {
            return this != SETTLED && this != ABANDONED;
        }
    }

    private final ClaimedJob job;
    private final WorkerContext context;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final long startedNanos = System.nanoTime();
    private final long deadlineNanos;
    /** Until when the lease is known to hold: the send time of the last call that set it, plus the lease. */
    private volatile long trustedUntilNanos;
    private final CountDownLatch timeoutSettled = new CountDownLatch(1);
    private final CountDownLatch handlerReturned = new CountDownLatch(1);
    /** When the settling call was first sent: the leases of the jobs it claimed were set no earlier. */
    private volatile long settleSentNanos;
    private Thread thread;

    JobAttempt(ClaimedJob job, long leaseSetAtNanos, WorkerContext context) {
        this.job = job;
        this.context = context;
        this.deadlineNanos = startedNanos + Math.min(job.timeout().toNanos(), Long.MAX_VALUE / 4);
        this.trustedUntilNanos = leaseSetAtNanos + context.settings().lease().toNanos();
    }

    ClaimedJob job() {
        return job;
    }

    State state() {
        return state.get();
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    long trustedUntilNanos() {
        return trustedUntilNanos;
    }

    /** The lease was extended by a call sent at {@code sentNanos}. */
    void leaseExtended(long sentNanos) {
        long until = sentNanos + context.settings().lease().toNanos();
        if (until - trustedUntilNanos > 0) {
            trustedUntilNanos = until;
        }
    }

    /** Starts the handler on a new virtual thread; the attempt holds one of the worker's slots until it ends. */
    void start() {
        thread = Thread.ofVirtual().name("sb-job-" + job.id()).unstarted(() ->
                TraceContext.with(job.traceId(), job.businessId(), () -> {
                    run();
                    return null;
                }));
        context.attempts().add(this);
        thread.start();
    }

    // ---- transitions requested by other actors ---------------------------------------------

    /** The store says a cancel was requested: interrupt; the attempt settles as canceled. */
    void cancelRequested() {
        if (state.compareAndSet(State.RUNNING, State.CANCEL_REQUESTED)) {
            LOG.info("job cancel requested; interrupting it " + tags());
            thread.interrupt();
        }
    }

    /** The lease is gone or untrusted: stop, and record nothing. */
    void abandon(String why) {
        State s = state.get();
        while (s.holdsLease()) {
            if (state.compareAndSet(s, State.ABANDONED)) {
                LOG.warning("job abandoned (" + why + "); stopping it, nothing it does is recorded " + tags());
                thread.interrupt();
                timeoutSettled.countDown();
                return;
            }
            s = state.get();
        }
    }

    /** A shutdown asks it to stop; it is given back to its queue once the handler has returned. */
    boolean stopForShutdown() {
        State s = state.get();
        if ((s == State.RUNNING || s == State.CANCEL_REQUESTED) && state.compareAndSet(s, State.STOPPING)) {
            thread.interrupt();
            return true;
        }
        return false;
    }

    /**
     * The attempt ran past its timeout: interrupt it, give the handler {@link #TIMEOUT_GRACE} to
     * stop (the lease is kept meanwhile, so its retry cannot start elsewhere), then record the
     * failure whether or not it stopped. Called by the watchdog; runs on its own virtual thread.
     */
    void timeOut() {
        if (!state.compareAndSet(State.RUNNING, State.TIMED_OUT)
                && !state.compareAndSet(State.CANCEL_REQUESTED, State.TIMED_OUT)) {
            return;
        }
        thread.interrupt();
        Thread.ofVirtual().name("sb-timeout-" + job.id()).start(() -> TraceContext.with(job.traceId(), job.businessId(), () -> {
            boolean returned = false;
            try {
                returned = handlerReturned.await(TIMEOUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!returned) {
                LOG.severe("job handler ignores its interrupt and still runs after its timeout; its slot stays "
                        + "taken until it returns " + tags());
            }
            String error = "JobTimeoutException: job exceeded its timeout of " + job.timeout().toMillis() + " ms";
            Optional<Settled> settled = settleWithRetries(State.TIMED_OUT, () -> context.claims().fail(job,
                    AttemptFailure.of(error, error), took(), Optional.empty()));
            settled.ifPresent(s -> log(s.settlement(), "failed: timed out after " + job.timeout().toMillis() + " ms"));
            context.attempts().counted(false, took());
            timeoutSettled.countDown();
            return null;
        }));
    }

    // ---- the attempt's own thread -------------------------------------------------------------

    private void run() {
        List<ClaimedJob> next = List.of();
        try {
            LOG.info("job started " + tags());
            Optional<JobHandler> handler = context.handlers().handlerFor(job.name());
            Object result = null;
            Exception failure = null;
            if (handler.isEmpty()) {
                handlerReturned.countDown();
                // Not permanent: during a rolling deploy a newer worker may know it.
                failure = new IllegalStateException("unknown job '" + job.name() + "'");
            } else {
                try {
                    result = handler.get().run(JobExecution.of(job, this::progress));
                } catch (Exception e) {
                    failure = e;
                } finally {
                    handlerReturned.countDown();
                }
            }
            next = settle(result, failure);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "job outcome not recorded " + tags(), e);
        } finally {
            if (state.get() == State.TIMED_OUT) {
                awaitUninterruptibly(timeoutSettled);
            }
            context.attempts().remove(this);
            // The slot passes to the job claimed in the settling call, or is freed.
            if (!next.isEmpty() && context.attempts().stopping()) {
                // Claimed while the worker began to stop: never started, so giving it back
                // cannot overlap anything, and a stopped worker runs nothing new.
                next.forEach(this::giveBack);
                next = List.of();
            }
            if (next.isEmpty()) {
                context.attempts().releaseSlot();
            } else {
                // At most one: the next claim asks for the one slot this attempt frees. Its lease
                // is trusted from the send time of the call that claimed it, not from its reply.
                for (ClaimedJob claimed : next) {
                    new JobAttempt(claimed, settleSentNanos, context).start();
                }
            }
        }
    }

    private void giveBack(ClaimedJob claimed) {
        boolean interrupted = Thread.interrupted(); // a pending interrupt would fail the call at once
        try {
            LOG.info("job returned to the front of " + claimed.queue() + " (claimed while stopping, never started: "
                    + context.claims().release(claimed) + ") job_id=" + claimed.id());
        } catch (RuntimeException e) {
            LOG.warning("could not return job_id=" + claimed.id() + " (its lease will expire): " + e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void progress(int percent, String message) {
        if (!state.get().holdsLease() || state.get() == State.TIMED_OUT) {
            throw new JobCancelledException(job.id());
        }
        try {
            if (context.claims().progress(job, percent, message) == Settlement.LEASE_LOST) {
                abandon("lease lost, seen when reporting progress");
                throw new JobCancelledException(job.id());
            }
        } catch (JobStoreUnavailableException e) {
            LOG.fine(() -> "progress not recorded (Redis unavailable) " + tags());
        } catch (JobCancelledException e) {
            cancelRequested();
            throw e;
        }
    }

    /** @return jobs claimed for the freed slot */
    private List<ClaimedJob> settle(Object result, Exception failure) {
        State from = state.get();
        boolean cancelled = failure instanceof JobCancelledException || from == State.CANCEL_REQUESTED;
        if (from == State.TIMED_OUT || from == State.ABANDONED) {
            LOG.warning("job returned after it was " + (from == State.TIMED_OUT ? "timed out" : "abandoned")
                    + "; outcome discarded " + tags());
            return List.of();
        }
        if (!state.compareAndSet(from, State.SETTLING)) {
            return settle(result, failure); // another actor moved it meanwhile: decide again
        }
        Optional<ClaimRequest> next = context.nextClaim();
        if (from == State.STOPPING && failure != null) {
            // Released only now that the handler has returned: no other worker can start the job
            // while this one still runs it.
            settleWithRetries(State.SETTLING, () -> new Settled(context.claims().release(job), List.of()))
                    .ifPresent(s -> LOG.info("job returned to the front of " + job.queue() + " ("
                            + s.settlement() + ") " + tags()));
            return List.of();
        }
        if (cancelled && failure != null) {
            settleWithRetries(State.SETTLING, () -> new Settled(context.claims().canceled(job), List.of()))
                    .ifPresent(s -> log(s.settlement(), "canceled"));
            context.attempts().counted(false, took());
            return List.of();
        }
        Optional<Settled> settled;
        if (failure == null) {
            settled = settleWithRetries(State.SETTLING, () -> context.claims().complete(job, result, took(), next));
            settled.ifPresent(s -> log(s.settlement(), "succeeded in " + took().toMillis() + " ms"));
        } else {
            AttemptFailure recorded = failureOf(failure);
            settled = settleWithRetries(State.SETTLING, () -> context.claims().fail(job, recorded, took(), next));
            settled.ifPresent(s -> log(s.settlement(), "failed" + (recorded.permanent() ? " permanently" : "") + ": "
                    + failure));
        }
        context.attempts().counted(failure == null, took());
        return settled.map(Settled::next).orElse(List.of());
    }

    /** A {@link JobFailure} anywhere in the cause chain decides how the failure is recorded. */
    static AttemptFailure failureOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JobFailure verdict) {
                return new AttemptFailure(failure.toString(), stackTrace(failure), verdict.permanent(),
                        verdict.notBefore().orElse(Duration.ZERO));
            }
        }
        return AttemptFailure.of(failure.toString(), stackTrace(failure));
    }

    /**
     * Runs a settling call, clearing a pending interrupt first (a Redis call would fail at once),
     * and retries it through a Redis outage while the lease can still be trusted; repeats reuse
     * the same claim id, so a settlement whose reply was lost cannot claim twice.
     */
    private Optional<Settled> settleWithRetries(State expected, Supplier<Settled> call) {
        boolean interrupted = Thread.interrupted();
        try {
            long backoffMillis = 50;
            while (true) {
                if (state.get() != expected) {
                    return Optional.empty(); // abandoned meanwhile: the lease cannot be trusted
                }
                try {
                    if (settleSentNanos == 0) {
                        // The first send: a repeat returns the batch the first execution leased.
                        settleSentNanos = System.nanoTime();
                    }
                    Settled settled = call.get();
                    state.compareAndSet(expected, State.SETTLED);
                    return Optional.of(settled);
                } catch (JobStoreUnavailableException e) {
                    if (System.nanoTime() - trustedUntilNanos > 0) {
                        LOG.warning("job outcome not recorded (Redis unavailable until its lease ran out; the "
                                + "reaper requeues it) " + tags() + ": " + e.getMessage());
                        abandon("Redis unavailable while settling");
                        return Optional.empty();
                    }
                    sleepQuietly(backoffMillis);
                    backoffMillis = Math.min(1000, backoffMillis * 2);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void log(Settlement settlement, String outcome) {
        if (settlement == Settlement.APPLIED) {
            // Failures (retried or final) are warnings: an operator filtering on WARN sees them.
            LOG.log(outcome.startsWith("failed") ? Level.WARNING : Level.INFO, "job " + outcome + " " + tags());
        } else {
            LOG.warning("job " + outcome + " but its lease was lost; outcome discarded " + tags());
        }
    }

    Duration took() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    String tags() {
        return "job_id=" + job.id() + " job=" + job.name() + " business_id=" + job.businessId()
                + " trace_id=" + job.traceId() + " attempt=" + job.attempt();
    }

    boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Settling must finish; the interrupt is restored by the caller.
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await(1, TimeUnit.HOURS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
