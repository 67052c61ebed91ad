package dev.switchboard.ports.out;

import java.util.Objects;

/** The telephony provider could not hand over, or delete, a recording. The message holds no secret. */
public class CallRecordingException extends RuntimeException {

    /** What a job can do about it. */
    public enum Kind {
        /** The provider has no such recording (deleted, or never there): trying again cannot help. */
        GONE,
        /**
         * The provider refused the account itself (401/403: wrong credentials, or no permission), or
         * no account is configured: nothing else will work either until the configuration changes,
         * so a job working through many recordings stops at the first.
         */
        DENIED,
        /** Refused for this recording (a bad request, an unreadable file): trying again cannot help. */
        REFUSED,
        /** Unreachable, or a server error: try again later. */
        UNAVAILABLE
    }

    private final Kind kind;

    public CallRecordingException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
