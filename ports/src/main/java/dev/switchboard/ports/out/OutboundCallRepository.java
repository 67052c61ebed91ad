package dev.switchboard.ports.out;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Outbound call requests and how far placing each got: the record that makes placing a call at
 * most once per request. Every method is scoped to one business: another business's request id
 * finds nothing. Every method may throw {@link StoreUnavailableException}.
 *
 * <p>Each move is one conditional update on the row's state, so of two workers running the same
 * request's job only one can move it to {@code PLACING}, and a move that finds the row elsewhere
 * changes nothing and says so.
 */
public interface OutboundCallRepository {

    /** What {@link #create} did: the new request, or the one the business already had under that id. */
    record Creation(OutboundCall call, boolean created) {
    }

    /**
     * Stores the request as {@code REQUESTED} and runs {@code enqueue} (which returns the id of the
     * job that places it) while it is written but not committed: it commits only with its job. When
     * the business already has a request with this id, nothing is written, {@code enqueue} is not
     * run, and that request is returned.
     */
    Creation create(NewOutboundCall call, Function<OutboundCall, String> enqueue);

    Optional<OutboundCall> find(String businessId, String requestId);

    /**
     * {@code REQUESTED -> PLACING}, noting when; empty (no change) when the request is not
     * {@code REQUESTED}. Whoever gets the request back is the one that may send the create.
     */
    Optional<OutboundCall> beginPlacing(String businessId, String requestId);

    /** {@code PLACING -> REQUESTED}: the create certainly never reached Twilio. False when it was not placing. */
    boolean backToRequested(String businessId, String requestId, String reason);

    /** {@code PLACING} or {@code UNKNOWN} {@code -> PLACED} with the call's sid. False (no change) otherwise. */
    boolean placed(String businessId, String requestId, String callSid);

    /** {@code PLACING -> FAILED} or {@code UNKNOWN} with the reason. False (no change) when it was not placing. */
    boolean settle(String businessId, String requestId, OutboundCallState state, String reason);

    /** The sids of calls placed for the business's requests from {@code fromNumber} to {@code toNumber}. */
    Set<String> placedCallSids(String businessId, String fromNumber, String toNumber);

    /**
     * Whether another of the business's requests from {@code fromNumber} to {@code toNumber} than
     * {@code requestId} is {@code PLACING} or {@code UNKNOWN}: a call found at Twilio between those
     * numbers could then be that request's as well as this one's.
     */
    boolean othersInDoubt(String businessId, String fromNumber, String toNumber, String requestId);
}
