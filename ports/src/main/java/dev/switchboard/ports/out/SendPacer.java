package dev.switchboard.ports.out;

import java.time.Duration;

/**
 * Paces one business's broadcast messages ({@code BROADCAST_RATE}): however many broadcasts of
 * the business run at once, on however many workers, together they send no faster than the rate.
 */
public interface SendPacer {

    /**
     * Takes the business's next send slot, waiting at most {@code maxWait} for it.
     *
     * @return true when a slot was taken (send now); false when {@code maxWait} passed first
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws JobStoreUnavailableException when the pacing store cannot be reached
     */
    boolean await(String businessId, Duration maxWait) throws InterruptedException;

    /** No pacing: every slot at once. */
    SendPacer UNPACED = (businessId, maxWait) -> true;
}
