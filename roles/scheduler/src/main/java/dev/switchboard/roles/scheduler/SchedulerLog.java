package dev.switchboard.roles.scheduler;

import dev.switchboard.domain.ScheduleEvents;
import dev.switchboard.domain.ScheduleWindow;
import dev.switchboard.domain.Slot;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.LeaseAttempt;

import java.time.Instant;
import java.util.logging.Logger;

/**
 * The scheduler's log, in words operators grep for. What changes is INFO: "Took the leader lease",
 * "Lock held by &lt;owner&gt;, skipping" when the leader is a new one, "Enqueued &lt;slot id&gt; (new)",
 * a lost lease. What repeats every tick (15 s) is DEBUG: "Lock acquired for cycle N", the same
 * holder again, "Enqueued &lt;slot id&gt; (duplicate)", the covered window.
 */
final class SchedulerLog implements ScheduleEvents {
    private static final Logger LOG = Logger.getLogger("dev.switchboard.roles.scheduler.Scheduler");

    private final String owner;
    /** The leader this standby last reported; only the loop's thread calls this log. */
    private String lastHolder;

    SchedulerLog(String owner) {
        this.owner = owner;
    }

    @Override
    public void leading(long cycle, boolean justTaken) {
        lastHolder = null;
        if (justTaken) {
            LOG.info("Took the leader lease as " + owner);
        }
        LOG.fine(() -> "Lock acquired for cycle " + cycle);
    }

    @Override
    public void standingBy(long cycle, LeaseAttempt.HeldByOther holder) {
        if (holder.owner().equals(lastHolder)) {
            LOG.fine(() -> "Lock held by " + holder.owner() + ", skipping");
        } else {
            LOG.info("Lock held by " + holder.owner() + ", skipping");
            lastHolder = holder.owner();
        }
        if (holder.remaining().isEmpty()) {
            LOG.warning("the scheduler lease has no expiry, so no scheduler will ever take it over: was it set by"
                    + " hand? Delete it (redis-cli DEL scheduler:global_lock) if its holder is gone");
        }
    }

    @Override
    public void skipped(long cycle, Instant lastTick, Instant resumedFrom) {
        LOG.warning("The schedule was last brought up to date at " + lastTick + ", longer ago than SCHEDULER_CATCHUP:"
                + " occurrences due before " + resumedFrom + " are skipped");
    }

    @Override
    public void enqueued(long cycle, Slot slot, EnqueueResult result) {
        java.util.logging.Level level = result instanceof EnqueueResult.Enqueued
                ? java.util.logging.Level.INFO : java.util.logging.Level.FINE;
        LOG.log(level, () -> "Enqueued " + slot.id() + (result instanceof EnqueueResult.Enqueued ? " (new)" : " (duplicate)")
                + " job_id=" + result.jobId() + " queue=" + slot.job().queue());
    }

    @Override
    public void leaseLost(long cycle, int slotsLeft) {
        LOG.warning("Lost the leader lease during cycle " + cycle + "; " + slotsLeft
                + " due slot(s) left for the new leader");
    }

    @Override
    public void stopped(long cycle, int slotsLeft) {
        LOG.info("Stopping during cycle " + cycle + "; " + slotsLeft + " due slot(s) left for the next leader");
    }

    @Override
    public void completed(long cycle, ScheduleWindow window, int created, int duplicates) {
        LOG.fine(() -> "cycle " + cycle + " covered (" + window.after() + ", " + window.upTo() + "]: " + created
                + " new, " + duplicates + " duplicate");
    }
}
