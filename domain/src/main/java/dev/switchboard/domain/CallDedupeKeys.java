package dev.switchboard.domain;

import java.time.Duration;

/**
 * Dedupe keys of the jobs that Twilio call events produce (docs/twilio.md, "Jobs, queues and dedupe keys": {@code twilio:{call_sid}:{event}},
 * {@code recording:{call_sid}}).
 *
 * <p>A dedupe key holds exactly one job id, and one event may produce several jobs, so call-event
 * keys name the job as well: {@code twilio:<call sid>:<event>:<job name>}. The events are
 * {@code voice} (the voice webhook: three jobs, three keys) and {@code ended} (the first terminal
 * status callback). {@code ended} does not name the status: a call ends once, so a {@code completed}
 * that follows a {@code canceled} for the same call (or a retried callback) finalizes nothing twice.
 * Call sids are unique across Twilio, so the keys need no business id.
 */
public final class CallDedupeKeys {

    /** Twilio retries within minutes and calls last hours at most: a day covers both. */
    public static final Duration TTL = Duration.ofDays(1);

    static final String VOICE = "voice";
    static final String ENDED = "ended";

    private CallDedupeKeys() {
    }

    /** {@code twilio:<call sid>:<event>:<job name>}. */
    public static String callEvent(String callSid, String event, String jobName) {
        return "twilio:" + callSid + ":" + event + ":" + jobName;
    }

    /**
     * {@code recording:<call sid>}: one transcription per call, whichever of its callbacks (or
     * recordings) arrives first within the TTL. The seeds key it by call, not by recording sid,
     * because a call has one recording in this system.
     */
    public static String recording(String callSid) {
        return "recording:" + callSid;
    }
}
