package dev.switchboard.ports.out;

import java.util.Locale;

/**
 * Where a broadcast run is. {@link #COMPLETED} and {@link #CANCELLED} are final; a
 * {@link #FAILED} run (stopped by an error that concerns the whole business, such as a logged-out
 * WhatsApp session) resumes where it stopped when its job is requeued.
 */
public enum BroadcastStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BroadcastStatus parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** No job will send anything more for a run in this state. */
    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED;
    }
}
