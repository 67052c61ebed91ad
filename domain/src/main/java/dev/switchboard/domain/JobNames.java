package dev.switchboard.domain;

/** Job names, as python-rq operators know them from the original system. */
public final class JobNames {
    public static final String WEBHOOK_PROCESS = "webhook_process_job";
    /** Call started (Twilio voice webhook): write the call log entry. Queue {@code default}. */
    public static final String CREATE_CALL_LOG = "create_call_log_job";
    /** Call started: find or create the caller's lead. Queue {@code default}. */
    public static final String CREATE_LEAD_FROM_CALL = "create_lead_from_call_job";
    /** Call started: build the AI agent's prompt before the caller speaks. Queue {@code high}. */
    public static final String PREBUILD_PROMPT = "prebuild_prompt_job";
    /** Call ended (terminal status callback): close the call log entry. Queue {@code default}. */
    public static final String FINALIZE_CALL_LOG = "finalize_call_log_job";
    /** A call recording is ready: transcribe it. Queue {@code recordings}. */
    public static final String RECORDING = "recording_job";
    public static final String PUSH_SEND = "push_send_job";
    public static final String BROADCAST = "broadcast_job";
    /** Periodic: due reminders, every minute (PeriodicJobs). */
    public static final String REMINDERS_TICK = "reminders_tick_job";
    /** Periodic: expired WhatsApp sessions, every 5 minutes (PeriodicJobs). */
    public static final String WHATSAPP_SESSIONS_CLEANUP = "whatsapp_sessions_cleanup_job";
    /** Periodic: old reminders, daily 03:00 in the scheduler's zone (PeriodicJobs). */
    public static final String REMINDERS_CLEANUP = "reminders_cleanup_job";
    /** Periodic: call recordings past retention, daily 04:00 in the scheduler's zone (PeriodicJobs). */
    public static final String CLEANUP_OLD_RECORDINGS = "cleanup_old_recordings_job";

    private JobNames() {
    }
}
