package dev.switchboard.domain;

/**
 * The names of the custom parameters the api hands to a call's media stream; the calls role reads
 * them from the stream's {@code start.customParameters}. Twilio's own capitalisation, so they read
 * like the webhook fields they come from.
 */
public final class CallStreamParameters {
    public static final String CALL_SID = "CallSid";
    public static final String FROM = "From";
    public static final String TO = "To";
    public static final String DIRECTION = "Direction";
    public static final String BUSINESS_ID = "BusinessId";
    /** The voice webhook's trace id, so the calls role's jobs join the same trace. */
    public static final String TRACE_ID = "TraceId";

    private CallStreamParameters() {
    }
}
