package dev.switchboard.ports.in;

/**
 * Driving port: request an outbound call ({@code place_outbound_call_job}). Enqueues only; the
 * call is placed by the job, at most once per request.
 */
public interface PlaceOutboundCallUseCase {

    /**
     * @throws LeadNotFound the lead is not one of the business's
     * @throws Conflict     the request id was used before for a different call, or the business has
     *                      no phone number to call from
     */
    OutboundCallAccepted place(PlaceOutboundCallCommand command);

    /** The lead named by the request is not the business's (or does not exist: the same answer). */
    final class LeadNotFound extends RuntimeException {
        public LeadNotFound() {
            super("no such lead", null, false, false);
        }
    }

    /** The request cannot be taken as the business stands: its id names a different call, or there is no number. */
    final class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message, null, false, false);
        }
    }
}
