package dev.switchboard.ports.out;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Call recordings and their transcripts, one per provider recording id. Every read and write but
 * the retention sweep's is scoped to one business. Every method may throw
 * {@link StoreUnavailableException}.
 */
public interface RecordingRepository {

    /**
     * Stores the recording, or rewrites the one stored under its id with the given values (a rerun,
     * or the next step: {@code pending} before the audio is fetched, then {@code transcribed},
     * {@code untranscribed} or {@code failed}). Its {@code recordedAt} stays the first one's; a
     * recording already {@code deleted} stays so (only a transcript it lacks is filled in), and a
     * {@code transcribed} one is only ever replaced by another {@code transcribed} one. A business
     * the store does not know yet is created unconfigured.
     *
     * @return the recording as stored now
     * @throws IllegalArgumentException when another business holds a recording with this id
     */
    StoredRecording save(StoredRecording recording);

    Optional<StoredRecording> find(String businessId, String recordingSid);

    /**
     * How far the transcription of a long recording got, piece by piece, so that an attempt that
     * is interrupted (its timeout, a crash) leaves its work to the next one.
     *
     * @param transcribedUpTo the audio transcribed so far, from its start
     * @param transcript      the transcript of that audio
     */
    record TranscriptionProgress(Duration transcribedUpTo, String transcript) {
        public TranscriptionProgress {
            if (transcribedUpTo.isNegative()) {
                throw new IllegalArgumentException("transcribedUpTo must not be negative");
            }
            java.util.Objects.requireNonNull(transcript, "transcript");
        }
    }

    /**
     * Records the progress of a {@code pending} recording of the business, only forward. Saving the
     * recording with any other status forgets it; saving it {@code pending} again keeps it.
     *
     * @return whether it was recorded (false: not pending, no such recording, or not forward)
     */
    boolean saveProgress(String businessId, String recordingSid, TranscriptionProgress progress);

    /** The progress of a {@code pending} recording of the business; empty for any other. */
    Optional<TranscriptionProgress> progress(String businessId, String recordingSid);

    /**
     * Whether a business other than {@code businessId} holds a recording with this id (says
     * nothing more of it): a job checks it before it fetches any audio.
     */
    boolean heldByAnotherBusiness(String businessId, String recordingSid);

    /** The recordings of one call, oldest first (empty for another business's call). */
    List<StoredRecording> forCall(String businessId, String callSid);

    /**
     * Recordings of every business stored before {@code cutoff} and not yet deleted, oldest first:
     * the retention sweep's work list.
     */
    List<StoredRecording> dueForDeletion(Instant cutoff, int limit);

    /**
     * Marks the recording's audio deleted (at {@code at}); idempotent.
     *
     * @return whether this call marked it (false: already deleted, or no such recording in the business)
     */
    boolean markDeleted(String businessId, String recordingSid, Instant at);
}
