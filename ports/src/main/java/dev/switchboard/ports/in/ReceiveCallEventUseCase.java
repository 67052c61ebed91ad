package dev.switchboard.ports.in;

import dev.switchboard.ports.out.JobStoreUnavailableException;

/**
 * Driving port: the telephony provider told us something about a call. Enqueues the jobs the event
 * calls for and says what to answer; never processes anything inline.
 */
public interface ReceiveCallEventUseCase {

    /**
     * @throws JobStoreUnavailableException when the queue cannot be reached; jobs enqueued before
     *     the failure stay enqueued, and a retried event is deduplicated
     */
    ReceiveCallEventResult receive(ReceiveCallEventCommand command);
}
