package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A call recording as the CRM keeps it: which call of which business it belongs to, where the
 * provider keeps its audio, and its transcript.
 *
 * @param status     {@code transcribed} (with a transcript), {@code untranscribed} (kept without one:
 *                   no speech-to-text configured), {@code deleted} (its audio deleted at the
 *                   provider after the retention; the transcript stays)
 * @param recordedAt when the recording was stored; the retention counts from it
 */
public record StoredRecording(String businessId, String recordingSid, String callSid, String url,
                              Optional<Integer> durationSeconds, Optional<String> transcript, String status,
                              Instant recordedAt, Optional<Instant> deletedAt) {

    public static final String TRANSCRIBED = "transcribed";
    public static final String UNTRANSCRIBED = "untranscribed";
    public static final String DELETED = "deleted";

    public StoredRecording {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(recordingSid, "recordingSid");
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(durationSeconds, "durationSeconds");
        Objects.requireNonNull(transcript, "transcript");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(deletedAt, "deletedAt");
    }
}
