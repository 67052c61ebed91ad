package dev.switchboard.ports.out;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Broadcast runs and the state of each of their recipients. Every method is scoped to one
 * business: another business's run id finds nothing. Every method may throw
 * {@link StoreUnavailableException}.
 *
 * <p>A recipient moves once, from pending to sent or to failed; a repeated move changes nothing
 * and says so, which is what lets a rerun of the job (after a worker died) resume where the last
 * one stopped without counting anyone twice.
 */
public interface BroadcastRepository {

    /** What {@link #create} did. */
    record Creation(BroadcastRun run, boolean created) {
    }

    /** The audience cannot make a run: no recipient, or too many. The message is for the caller. */
    final class AudienceRejected extends IllegalArgumentException {
        public AudienceRejected(String reason) {
            super(reason);
        }
    }

    /**
     * Creates the run and its recipients, and runs {@code enqueue} (which returns the id of the
     * job that will send it) while they are written but not committed: the run is committed only
     * with its job, so there is never a run without a job. When the business already has a run
     * with this id, nothing is written, {@code enqueue} is not run, and that run is returned.
     *
     * @throws AudienceRejected the audience has no recipient, or more than allowed (nothing is written)
     */
    Creation create(NewBroadcast broadcast, Function<BroadcastRun, String> enqueue);

    Optional<BroadcastRun> find(String businessId, String runId);

    /**
     * Marks the run running (from queued, running or failed) and returns it; empty when there is
     * no such run or it is {@linkplain BroadcastStatus#isFinal() final}.
     */
    Optional<BroadcastRun> start(String businessId, String runId);

    /** Up to {@code limit} recipients still pending, in a stable order. */
    List<String> pending(String businessId, String runId, int limit);

    /** Pending to sent, with WhatsApp's id of the message; false (and no change) when it was not pending. */
    boolean markSent(String businessId, String runId, String recipient, String messageId);

    /** Pending to failed, with the reason; false (and no change) when it was not pending. */
    boolean markFailed(String businessId, String runId, String recipient, String error);

    /**
     * Ends the run: to {@code COMPLETED} from running; to {@code FAILED} from queued or running;
     * to {@code CANCELLED} from any state that is not final. {@code onEnded} runs with the ended
     * run while the change is written but not committed (to enqueue what announces it), and the
     * change commits only if it returns.
     *
     * @return the ended run, or empty (and {@code onEnded} not run) when the run is not in a
     *     state it can end from, or does not exist
     */
    Optional<BroadcastRun> end(String businessId, String runId, BroadcastStatus status, Optional<String> error,
                               Consumer<BroadcastRun> onEnded);
}
