package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Call logs and their turns. Every read and write is scoped to one business: another business's
 * call (or a sid that names none) is not found. Each write is idempotent, because the jobs that
 * make them run at least once. Every method may throw {@link StoreUnavailableException}.
 */
public interface CallLogRepository {

    /**
     * The call's log, opened when there is none (one per business and call sid, whoever asks
     * first). An existing log keeps what it has; a stream sid fills in one it lacks. A business the
     * store does not know yet is created unconfigured.
     */
    CallLog open(CallLogStart start);

    /**
     * Links the call to a lead of the same business (the first link stays).
     *
     * @return false when the business has no such call
     * @throws IllegalArgumentException the lead is not one of the business's leads
     */
    boolean linkLead(String businessId, String callSid, String leadId);

    /**
     * Saves one turn of the call, once per {@code seq}, and keeps the log's transcript up to date,
     * also on a finalized call (a turn may be saved after its call ended).
     *
     * @return whether the turn was new; false also when the business has no such call
     */
    boolean saveTurn(String businessId, String callSid, CallTurn turn);

    /**
     * Finalizes an open call: its end, duration, outcome and transcript (from its turns), and runs
     * {@code whileFinalizing} with the finalized log before the change commits, so that what it
     * does (enqueueing the {@code call.completed} event) happens if and only if the call is
     * finalized: when it throws, the call stays open. A call already finalized is never changed,
     * and {@code whileFinalizing} does not run.
     *
     * @return the log as it is now, and whether this call finalized it; empty when the business
     *     has no such call
     */
    Optional<Finalization> finalizeOnce(String businessId, String callSid, CallLogEnd end,
                                        Consumer<CallLog> whileFinalizing);

    /** What {@link #finalizeOnce} did. */
    record Finalization(CallLog log, boolean finalizedNow) {
    }

    Optional<CallLog> find(String businessId, String callSid);

    /**
     * Whether a business other than {@code businessId} has a log of this call sid (says nothing
     * more of it): a job that was handed the business by someone else's word (a callback URL)
     * checks it before it writes anything under that business.
     */
    boolean heldByAnotherBusiness(String businessId, String callSid);

    /** The call's turns in order (empty for another business's call). */
    List<CallTurn> turns(String businessId, String callSid);

    /** A page of the business's calls, newest first. */
    CallLogPage list(String businessId, int offset, int limit);

    /**
     * Open calls of every business whose media stream started before {@code cutoff}, oldest first:
     * the candidates of the sweep for calls whose calls process died.
     */
    List<CallLog> openStreamsStartedBefore(Instant cutoff, int limit);
}
