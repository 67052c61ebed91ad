package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A call recording as the CRM keeps it: which call of which business it belongs to, where the
 * provider keeps its audio, and its transcript.
 *
 * @param status        {@code pending} (stored before its audio is fetched: being transcribed, or
 *                      waiting for a retry), {@code transcribed} (with a transcript),
 *                      {@code untranscribed} (kept without one: no speech-to-text configured),
 *                      {@code failed} (it cannot be transcribed: {@code failureReason} says why),
 *                      {@code deleted} (its audio deleted at the provider after the retention; the
 *                      transcript stays). Every status but {@code deleted} is due for deletion at
 *                      the provider once the retention has passed.
 * @param recordedAt    when the recording was stored; the retention counts from it
 * @param failureReason why a {@code failed} recording could not be transcribed (no secret in it)
 */
public record StoredRecording(String businessId, String recordingSid, String callSid, String url,
                              Optional<Integer> durationSeconds, Optional<String> transcript, String status,
                              Instant recordedAt, Optional<Instant> deletedAt, Optional<String> failureReason) {

    public static final String PENDING = "pending";
    public static final String TRANSCRIBED = "transcribed";
    public static final String UNTRANSCRIBED = "untranscribed";
    public static final String FAILED = "failed";
    public static final String DELETED = "deleted";

    /** A recording that did not fail (no failure reason). */
    public StoredRecording(String businessId, String recordingSid, String callSid, String url,
                           Optional<Integer> durationSeconds, Optional<String> transcript, String status,
                           Instant recordedAt, Optional<Instant> deletedAt) {
        this(businessId, recordingSid, callSid, url, durationSeconds, transcript, status, recordedAt, deletedAt,
                Optional.empty());
    }

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
        Objects.requireNonNull(failureReason, "failureReason");
    }
}
