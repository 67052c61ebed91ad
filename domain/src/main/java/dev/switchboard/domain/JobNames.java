package dev.switchboard.domain;

/** Job names, as python-rq operators know them from the original system. */
public final class JobNames {
    public static final String WEBHOOK_PROCESS = "webhook_process_job";

    private JobNames() {
    }
}
