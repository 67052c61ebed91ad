package dev.switchboard.ports.out;

/**
 * Where a request for an outbound call stands. It moves forward only:
 * {@code REQUESTED -> PLACING -> PLACED | FAILED | UNKNOWN}, and from {@code PLACING} back to
 * {@code REQUESTED} only when the create request certainly never reached Twilio (nothing was sent,
 * or Twilio refused it for rate without creating it). {@code UNKNOWN} may still become {@code PLACED}
 * when the call's sid is learnt later; nothing leaves {@code PLACED} or {@code FAILED}.
 */
public enum OutboundCallState {
    /** Accepted by the api; its job has not tried to place it yet (or a try certainly sent nothing). */
    REQUESTED("requested"),
    /** A job is placing it (or died while doing so): the create request may have reached Twilio. */
    PLACING("placing"),
    /** Twilio created the call; its sid is known. */
    PLACED("placed"),
    /** Twilio refused to create it (a 4xx: bad number, auth, permissions): no call was made. */
    FAILED("failed"),
    /** Twilio may or may not have created it (a 5xx, a timeout, a lost answer) and no call was found: never placed again. */
    UNKNOWN("unknown");

    private final String id;

    OutboundCallState(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean isFinal() {
        return this == PLACED || this == FAILED || this == UNKNOWN;
    }

    public static OutboundCallState of(String id) {
        for (OutboundCallState state : values()) {
            if (state.id.equals(id)) {
                return state;
            }
        }
        throw new IllegalArgumentException("no outbound call state '" + id + "'");
    }
}
