package dev.switchboard.domain;

import java.time.Duration;

/**
 * Dedupe keys of the jobs that Twilio call events produce (docs/twilio.md, "Jobs, queues and dedupe keys": {@code twilio:{call_sid}:{event}},
 * {@code recording:{recording_sid}}).
 *
 * <p>A dedupe key holds exactly one job id, and one event may produce several jobs, so call-event
 * keys name the job as well: {@code twilio:<call sid>:<event>:<job name>}. The events are
 * {@code voice} (the voice webhook: three jobs, three keys) and {@code ended} (the first terminal
 * status callback), and those of the calls role: {@code stream} (the media stream started),
 * {@code turn-<n>} (one turn of the conversation) and {@code stream-ended} (the stream's verdict, or
 * the sweep's for a call whose calls process died). {@code ended} does not name the status: a call ends once, so a {@code completed}
 * that follows a {@code canceled} for the same call (or a retried callback) finalizes nothing twice.
 * Call sids are unique across Twilio, so the keys need no business id.
 */
public final class CallDedupeKeys {

    /** Twilio retries within minutes and calls last hours at most: a day covers both. */
    public static final Duration TTL = Duration.ofDays(1);

    static final String VOICE = "voice";
    static final String ENDED = "ended";
    /** The calls role saw the call's media stream start ({@code create_call_log_job}, {@code create_lead_from_call_job}). */
    static final String STREAM = "stream";
    /**
     * The call's media stream ended, as its calls process saw it, or as the sweep found it after
     * that process died: one key for both, so only one verdict is ever queued.
     */
    static final String STREAM_ENDED = "stream-ended";

    /** {@code twilio:<call sid>:turn-<n>:save_conversation_turn_job}: one job per turn of a call. */
    static String turn(String callSid, int seq, String jobName) {
        return callEvent(callSid, "turn-" + seq, jobName);
    }

    private CallDedupeKeys() {
    }

    /** {@code twilio:<call sid>:<event>:<job name>}. */
    public static String callEvent(String callSid, String event, String jobName) {
        return "twilio:" + callSid + ":" + event + ":" + jobName;
    }

    /**
     * {@code recording:<recording sid>}: one {@code recording_job} per recording, however often
     * Twilio delivers its callback. The seeds keyed it by call ({@code recording:<call sid>}),
     * which would fold a second recording of the same call into the first and lose it; Twilio's
     * recording sid is what a callback redelivers, so it is the key.
     */
    public static String recording(String recordingSid) {
        return "recording:" + recordingSid;
    }
}
