package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.RecordingAudio;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recording jobs' pure parts: pieces for synchronous recognition, the transcript, the arguments. */
class RecordingJobTest {

    private static RecordingAudio linear16(int seconds, int extraFrames) {
        return new RecordingAudio(RecordingAudio.Encoding.LINEAR16, 8000, 1, new byte[(seconds * 8000 + extraFrames) * 2]);
    }

    @Test
    void aLongRecordingIsCutIntoPiecesOfAtMost55SecondsOnFrameBoundariesInOrder() {
        RecordingAudio audio = linear16(130, 3);
        for (int i = 0; i < audio.samples().length; i++) {
            audio.samples()[i] = (byte) (i / 16000); // each second's bytes carry its number
        }
        List<RecordingAudio> pieces = RecordingJob.pieces(audio, Duration.ofSeconds(55));
        assertEquals(3, pieces.size());
        assertEquals(Duration.ofSeconds(55), pieces.get(0).duration());
        assertEquals(Duration.ofSeconds(55), pieces.get(1).duration());
        assertEquals(20 * 16000 + 6, pieces.get(2).samples().length, "the rest, to the last frame");
        assertEquals(55, pieces.get(1).samples()[0], "the second piece starts at second 55");
        byte[] joined = new byte[audio.samples().length];
        int at = 0;
        for (RecordingAudio piece : pieces) {
            System.arraycopy(piece.samples(), 0, joined, at, piece.samples().length);
            at += piece.samples().length;
        }
        assertArrayEquals(audio.samples(), joined, "nothing lost, nothing twice");
    }

    @Test
    void aShortRecordingIsOnePieceAndStereoMulawCutsOnWholeFrames() {
        assertEquals(1, RecordingJob.pieces(linear16(55, 0), Duration.ofSeconds(55)).size());
        assertEquals(2, RecordingJob.pieces(linear16(55, 1), Duration.ofSeconds(55)).size());
        RecordingAudio stereo = new RecordingAudio(RecordingAudio.Encoding.MULAW, 8000, 2, new byte[2 * 8000 * 61]);
        List<RecordingAudio> pieces = RecordingJob.pieces(stereo, Duration.ofSeconds(55));
        assertEquals(List.of(Duration.ofSeconds(55), Duration.ofSeconds(6)), pieces.stream().map(RecordingAudio::duration).toList());
        assertThrows(IllegalArgumentException.class, () -> new RecordingAudio(RecordingAudio.Encoding.LINEAR16, 8000, 1,
                new byte[3]));
    }

    @Test
    void aPieceBoundaryIsAPositionThatLeadsBackToItsByteAndAnythingElseStartsOver() {
        RecordingAudio audio = linear16(130, 3);
        List<RecordingAudio> pieces = RecordingJob.pieces(audio, Duration.ofSeconds(55));
        int boundary = pieces.get(0).samples().length + pieces.get(1).samples().length;
        assertEquals(Duration.ofSeconds(110), RecordingJob.position(audio, boundary));
        assertEquals(java.util.Optional.of(boundary), RecordingJob.offset(audio, Duration.ofSeconds(110)));
        assertEquals(java.util.Optional.of(0), RecordingJob.offset(audio, Duration.ZERO));
        RecordingAudio odd = new RecordingAudio(RecordingAudio.Encoding.MULAW, 11025, 2, new byte[2 * 11025 * 60]);
        assertEquals(java.util.Optional.empty(), RecordingJob.offset(odd, Duration.ofMillis(1)), "inside a frame");
        assertEquals(java.util.Optional.of(2 * 11025 * 55), RecordingJob.offset(odd, Duration.ofSeconds(55)));
        assertEquals(java.util.Optional.empty(), RecordingJob.offset(audio, Duration.ofSeconds(131)), "past the end");
        assertEquals(java.util.Optional.empty(), RecordingJob.offset(audio, audio.duration()), "nothing left");
    }

    @Test
    void theTranscriptJoinsThePiecesLeavingBlanksOut() {
        assertEquals("hello there how are you", RecordingJob.join(List.of(" hello there", "", "  ", "how are you ")));
        assertEquals("", RecordingJob.join(List.of()));
    }

    @Test
    void theCleanupTakesItsRetentionFromThePeriodicTableAndRefusesNonsense() {
        JobExecution slot = new JobExecution("slot", "cleanup_old_recordings_job", Map.of("retention_days", 7),
                PeriodicJobs.SYSTEM_BUSINESS, "slot", 1, (p, m) -> { });
        assertEquals(new CleanupOldRecordingsJob.Args(7), CleanupOldRecordingsJob.DEFINITION.argsOf(slot));
        assertThrows(IllegalArgumentException.class, () -> CleanupOldRecordingsJob.DEFINITION.requestFromKwargs(
                Map.of("retention_days", 0), PeriodicJobs.SYSTEM_BUSINESS, "t"));
        assertTrue(JobCatalogue.names().containsAll(List.of("recording_job", "cleanup_old_recordings_job")));
    }
}
