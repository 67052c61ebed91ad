package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.RecordingRepository.TranscriptionProgress;
import dev.switchboard.ports.out.StoredRecording;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RecordingRepository} must do when {@code recording_job} runs more than once for
 * one recording: a later run never takes a transcript away, and a deleted recording stays deleted.
 */
abstract class RecordingRepositoryContract {

    abstract RecordingRepository recordings();

    private final String business = "biz-" + UUID.randomUUID();
    private final String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");
    private final String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
    private final Instant recordedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private StoredRecording recording(Optional<String> transcript, String status) {
        return new StoredRecording(business, recordingSid, callSid, "https://api.twilio.com/Recordings/" + recordingSid,
                Optional.of(42), transcript, status, recordedAt, Optional.empty());
    }

    @Test
    void aLaterRunWithoutSpeechNeverDowngradesATranscribedRecording() {
        recordings().save(recording(Optional.of("olá, quero marcar"), StoredRecording.TRANSCRIBED));

        StoredRecording after = recordings().save(recording(Optional.empty(), StoredRecording.UNTRANSCRIBED));

        assertEquals(StoredRecording.TRANSCRIBED, after.status(), "what save answers");
        StoredRecording stored = recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.TRANSCRIBED, stored.status());
        assertEquals(Optional.of("olá, quero marcar"), stored.transcript());
    }

    @Test
    void aTranscriptReplacesNoneAndARerunRewritesItsOwn() {
        recordings().save(recording(Optional.empty(), StoredRecording.UNTRANSCRIBED));
        recordings().save(recording(Optional.of("first"), StoredRecording.TRANSCRIBED));
        assertEquals(Optional.of("first"), recordings().find(business, recordingSid).orElseThrow().transcript());

        StoredRecording rerun = recordings().save(recording(Optional.of("second"), StoredRecording.TRANSCRIBED));

        assertEquals(Optional.of("second"), rerun.transcript());
        assertEquals(StoredRecording.TRANSCRIBED, recordings().find(business, recordingSid).orElseThrow().status());
    }

    @Test
    void aDeletedRecordingStaysDeletedButGetsTheTranscriptItLacked() {
        recordings().save(recording(Optional.empty(), StoredRecording.UNTRANSCRIBED));
        assertTrue(recordings().markDeleted(business, recordingSid, recordedAt.plusSeconds(60)));

        recordings().save(recording(Optional.empty(), StoredRecording.UNTRANSCRIBED));
        StoredRecording filled = recordings().save(recording(Optional.of("late transcript"), StoredRecording.TRANSCRIBED));

        assertEquals(StoredRecording.DELETED, filled.status());
        assertEquals(Optional.of("late transcript"), filled.transcript());
        assertEquals(Optional.of(recordedAt.plusSeconds(60)), filled.deletedAt());

        StoredRecording again = recordings().save(recording(Optional.of("another"), StoredRecording.TRANSCRIBED));
        assertEquals(Optional.of("late transcript"), again.transcript(), "a deleted recording's transcript is kept");
        assertEquals(StoredRecording.DELETED, recordings().find(business, recordingSid).orElseThrow().status());
    }

    @Test
    void aPendingRecordingIsDueForDeletionAndAFailedOneKeepsWhyUntilARerunTranscribesIt() {
        recordings().save(recording(Optional.empty(), StoredRecording.PENDING));
        assertTrue(recordings().dueForDeletion(recordedAt.plusSeconds(1), 10_000).stream()
                .anyMatch(r -> r.recordingSid().equals(recordingSid)), "a pending recording's audio is deleted too");

        StoredRecording failed = recordings().save(new StoredRecording(business, recordingSid, callSid, "u",
                Optional.of(42), Optional.empty(), StoredRecording.FAILED, recordedAt.plusSeconds(5), Optional.empty(),
                Optional.of("speech-to-text refused the recording: INVALID_ARGUMENT")));
        assertEquals(StoredRecording.FAILED, failed.status());
        assertEquals(Optional.of("speech-to-text refused the recording: INVALID_ARGUMENT"), failed.failureReason());
        assertEquals(recordedAt, failed.recordedAt(), "the retention counts from the first store");
        assertTrue(recordings().dueForDeletion(recordedAt.plusSeconds(1), 10_000).stream()
                .anyMatch(r -> r.recordingSid().equals(recordingSid)), "a failed recording's audio is deleted too");

        recordings().save(recording(Optional.empty(), StoredRecording.PENDING));
        StoredRecording transcribed = recordings().save(recording(Optional.of("enfim"), StoredRecording.TRANSCRIBED));
        assertEquals(Optional.empty(), transcribed.failureReason());

        StoredRecording kept = recordings().save(recording(Optional.empty(), StoredRecording.PENDING));
        assertEquals(StoredRecording.TRANSCRIBED, kept.status(), "pending never replaces a transcript");
        kept = recordings().save(new StoredRecording(business, recordingSid, callSid, "u", Optional.of(42),
                Optional.empty(), StoredRecording.FAILED, recordedAt, Optional.empty(), Optional.of("late failure")));
        assertEquals(StoredRecording.TRANSCRIBED, kept.status(), "nor does failed");
        assertEquals(Optional.of("enfim"), recordings().find(business, recordingSid).orElseThrow().transcript());
    }

    @Test
    void aPendingRecordingKeepsItsProgressThroughARetryAndLosesItOnceDone() {
        recordings().save(recording(Optional.empty(), StoredRecording.PENDING));
        TranscriptionProgress first = new TranscriptionProgress(Duration.ofSeconds(55), "primeira parte");
        assertTrue(recordings().saveProgress(business, recordingSid, first));
        assertFalse(recordings().saveProgress(business, recordingSid,
                new TranscriptionProgress(Duration.ofSeconds(55), "again")), "only forward");
        String other = "biz-" + UUID.randomUUID();
        assertFalse(recordings().saveProgress(other, recordingSid,
                new TranscriptionProgress(Duration.ofSeconds(110), "x")), "never another business's");
        assertEquals(Optional.empty(), recordings().progress(other, recordingSid));

        recordings().save(recording(Optional.empty(), StoredRecording.PENDING)); // the retry stores it pending again
        assertEquals(Optional.of(first), recordings().progress(business, recordingSid));
        assertEquals(Optional.empty(), recordings().find(business, recordingSid).orElseThrow().transcript(),
                "progress is not the transcript");

        recordings().save(recording(Optional.of("tudo"), StoredRecording.TRANSCRIBED));
        assertEquals(Optional.empty(), recordings().progress(business, recordingSid));
        assertFalse(recordings().saveProgress(business, recordingSid,
                new TranscriptionProgress(Duration.ofSeconds(110), "x")), "only a pending recording");
    }

    @Test
    void deletingAPendingRecordingForgetsItsProgress() {
        recordings().save(recording(Optional.empty(), StoredRecording.PENDING));
        assertTrue(recordings().saveProgress(business, recordingSid, new TranscriptionProgress(Duration.ofSeconds(55), "a")));
        assertTrue(recordings().markDeleted(business, recordingSid, recordedAt.plusSeconds(60)));
        assertEquals(Optional.empty(), recordings().progress(business, recordingSid));
    }
}
