package dev.switchboard.ports.out;

import java.util.Locale;

/** A job's state, with python-rq's names (the {@code status} field of {@code rq:job:<id>}). */
public enum JobStatus {
    QUEUED, STARTED, FINISHED, FAILED, SCHEDULED, CANCELED, DEFERRED, STOPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus parse(String value) {
        return JobStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
