package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.BatchSpeechToText;
import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallRecordingException;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RecordingAudio;
import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.RecordingRepository.TranscriptionProgress;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.StoredRecording;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code recording_job} (queue {@code recordings}): a call's recording is complete at Twilio
 * (its recording status callback). Downloads the audio through the provider
 * ({@link CallRecordings}), transcribes it with batch recognition in pieces of at most
 * {@link BatchSpeechToText#MAX_PIECE} (Google's synchronous {@code Recognize} takes a minute at
 * most), and stores recording and transcript with the call ({@code recordings}, keyed by the
 * recording's sid, linked to the call log by business and call sid).
 *
 * <p>The business comes from the callback URL; when the call's log is another business's, the job
 * fails for good and writes nothing. The recording is stored {@code pending} before its audio is
 * fetched, so that the retention ({@link CleanupOldRecordingsJob}) deletes its audio at Twilio
 * whatever happens next: a permanent failure (Twilio refusing the media, Google refusing the
 * audio) marks it {@code failed} with the reason, a passing one leaves it pending for the retry.
 * With no speech-to-text configured the recording is stored without a transcript
 * ({@code untranscribed}) and the result says why. An interrupt (cancel, timeout, shutdown) stops
 * the job between pieces; each piece's {@code Recognize} has its own deadline (the adapter's).
 *
 * <p>Idempotent: a rerun downloads and transcribes again and writes the same row (one per
 * recording sid); a recording already transcribed, or whose audio the retention already deleted,
 * is left as it is.
 */
public final class RecordingJob implements JobHandler {

    public static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    /** Download plus transcription of a long call: slow, on its own queue and worker pool. */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("recording_job", Queues.RECORDINGS,
            RETRY, Duration.ofMinutes(15), new Codec(), RecordingJob::new);

    /** The recording's statuses a rerun leaves as they are. */
    private static final Set<String> DONE = Set.of(StoredRecording.TRANSCRIBED, StoredRecording.DELETED);

    /**
     * What Twilio's recording status callback said (docs/twilio.md, "Recording callbacks").
     *
     * @param recordingUrl where Twilio says the media is (no extension); kept for reference only:
     *                     the audio is fetched from the configured Twilio base by sid, never from
     *                     this URL
     */
    public record Args(String businessId, String callSid, String recordingSid, String recordingUrl,
                       String recordingStatus, Optional<Long> recordingDuration, Optional<Long> recordingChannels,
                       Optional<String> recordingSource) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder()
                    .put("business_id", a.businessId())
                    .put("call_sid", a.callSid())
                    .put("recording_sid", a.recordingSid())
                    .put("recording_url", a.recordingUrl())
                    .put("recording_status", a.recordingStatus())
                    .put("recording_duration", a.recordingDuration())
                    .put("recording_channels", a.recordingChannels())
                    .put("recording_source", a.recordingSource())
                    .build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            String recordingSid = kwargs.string("recording_sid");
            String callSid = kwargs.string("call_sid");
            if (!CallEvent.SID.matcher(recordingSid).matches() || !CallEvent.SID.matcher(callSid).matches()) {
                throw new IllegalArgumentException("job arguments 'call_sid' and 'recording_sid' must be 2..64"
                        + " letters and digits");
            }
            return new Args(kwargs.string("business_id"), callSid, recordingSid, kwargs.string("recording_url"),
                    kwargs.string("recording_status"), kwargs.optionalLong("recording_duration"),
                    kwargs.optionalLong("recording_channels"), kwargs.optionalString("recording_source"));
        }
    }

    /**
     * The one job of a completed recording: deduplicated on its sid for {@link CallDedupeKeys#TTL},
     * so a redelivered callback folds into it.
     */
    public static JobRequest forCompletedRecording(Args args, String traceId) {
        return DEFINITION.deduplicatedRequest(args, args.businessId(), traceId,
                CallDedupeKeys.recording(args.recordingSid()), CallDedupeKeys.TTL);
    }

    private final RecordingRepository recordings;
    private final CallRecordings provider;
    private final BatchSpeechToText speech;
    private final CallLogRepository callLogs;
    private final Clock clock;

    public RecordingJob(JobCollaborators c) {
        this.recordings = c.recordings();
        this.provider = c.callRecordings();
        this.speech = c.batchSpeech();
        this.callLogs = c.callLogs();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        CallArgs.requireOwnBusiness(job, args.businessId());
        String business = args.businessId();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("recording_sid", args.recordingSid());
        result.put("call_sid", args.callSid());
        Optional<StoredRecording> existing = recordings.find(business, args.recordingSid());
        if (existing.isPresent() && DONE.contains(existing.get().status())) {
            result.put("stored", "already (" + existing.get().status() + ")");
            return result;
        }
        if (existing.isEmpty() && recordings.heldByAnotherBusiness(business, args.recordingSid())) {
            throw JobFailure.permanent("recording " + args.recordingSid() + " belongs to another business", null);
        }
        Optional<CallLog> callLog = callLogs.find(business, args.callSid());
        if (callLog.isEmpty() && callLogs.heldByAnotherBusiness(business, args.callSid())) {
            // The business came from the callback URL, which we signed but someone configured: a
            // wrong one must not file this call's recording (and transcript) under that business.
            throw JobFailure.permanent("call " + args.callSid() + " belongs to another business than the one its"
                    + " recording callback named (" + business + "); nothing stored: check the recording callback"
                    + " URL configured for this number", null);
        }
        Optional<Integer> duration = args.recordingDuration().filter(d -> d >= 0 && d <= Integer.MAX_VALUE)
                .map(Long::intValue);
        // Stored before anything can fail for good, so that the retention deletes the audio at
        // Twilio even when it is never transcribed.
        StoredRecording pending = save(new StoredRecording(business, args.recordingSid(), args.callSid(),
                args.recordingUrl(), duration, Optional.empty(), StoredRecording.PENDING, clock.instant(),
                Optional.empty()));
        if (DONE.contains(pending.status())) {
            result.put("stored", "already (" + pending.status() + ")");
            return result;
        }
        try {
            return transcribeAndStore(job, args, duration, result, callLog.isPresent());
        } catch (JobFailure e) {
            if (e.permanent()) {
                markFailed(args, duration, e);
            }
            throw e;
        }
    }

    private Map<String, Object> transcribeAndStore(JobExecution job, Args args, Optional<Integer> duration,
                                                   Map<String, Object> result, boolean callLogFound) {
        String business = args.businessId();
        RecordingAudio audio = download(args.recordingSid());
        result.put("audio_seconds", audio.duration().toMillis() / 1000.0);
        Optional<String> transcript = Optional.empty();
        String status = StoredRecording.UNTRANSCRIBED;
        if (speech.enabled()) {
            // A former attempt's progress: its pieces are not transcribed again.
            Optional<TranscriptionProgress> resumed = recordings.progress(business, args.recordingSid())
                    .filter(p -> offset(audio, p.transcribedUpTo()).isPresent());
            int from = resumed.flatMap(p -> offset(audio, p.transcribedUpTo())).orElse(0);
            List<RecordingAudio> pieces = pieces(audio.slice(from, audio.samples().length), BatchSpeechToText.MAX_PIECE);
            List<String> texts = new ArrayList<>();
            resumed.ifPresent(p -> texts.add(p.transcript()));
            int done = from;
            for (int i = 0; i < pieces.size(); i++) {
                job.progress().report(Math.min(99, (int) (done * 100L / Math.max(1, audio.samples().length))),
                        "transcribing piece " + (i + 1) + " of " + pieces.size()
                                + (from > 0 ? " (resumed at " + position(audio, from).toSeconds() + " s)" : ""));
                // The worker interrupts a job for a cancel, its timeout or a shutdown; it knows
                // which and settles the attempt. Stop here rather than transcribe on beside a retry.
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("interrupted after " + i + " of " + pieces.size()
                            + " pieces of recording " + args.recordingSid() + "; it stays pending, its progress kept");
                }
                texts.add(transcribe(pieces.get(i)));
                done += pieces.get(i).samples().length;
                if (i < pieces.size() - 1) {
                    recordings.saveProgress(business, args.recordingSid(),
                            new TranscriptionProgress(position(audio, done), join(texts)));
                }
            }
            transcript = Optional.of(join(texts));
            status = StoredRecording.TRANSCRIBED;
            result.put("pieces", pieces.size());
            resumed.ifPresent(p -> result.put("resumed_at_seconds", p.transcribedUpTo().toSeconds()));
        } else {
            result.put("transcript", "none: speech-to-text is off (GOOGLE_SPEECH_ENDPOINT unset); recording stored without one");
        }
        StoredRecording saved = save(new StoredRecording(business, args.recordingSid(), args.callSid(),
                args.recordingUrl(), duration, transcript, status, clock.instant(), Optional.empty()));
        result.put("stored", saved.status());
        transcript.ifPresent(t -> result.put("transcript_chars", t.length()));
        result.put("call_log", callLogFound || callLogs.find(business, args.callSid()).isPresent()
                ? "found" : "not yet (the recording waits under its call sid)");
        return result;
    }

    private StoredRecording save(StoredRecording recording) {
        try {
            return recordings.save(recording);
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent(e.getMessage(), e);
        }
    }

    /**
     * Marks the recording failed, saying why, so that an operator sees it and the retention still
     * deletes its audio. When the store cannot say so now, the row stays pending (deleted all the
     * same) and the job's own failure is what counts.
     */
    private void markFailed(Args args, Optional<Integer> duration, JobFailure failure) {
        try {
            recordings.save(new StoredRecording(args.businessId(), args.recordingSid(), args.callSid(),
                    args.recordingUrl(), duration, Optional.empty(), StoredRecording.FAILED, clock.instant(),
                    Optional.empty(), Optional.of(String.valueOf(failure.getMessage()))));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private RecordingAudio download(String recordingSid) {
        try {
            return provider.download(recordingSid);
        } catch (CallRecordingException e) {
            if (e.kind() == CallRecordingException.Kind.UNAVAILABLE) {
                throw e; // retried; the recording stays pending
            }
            throw JobFailure.permanent("recording " + recordingSid + ": " + e.getMessage(), e);
        }
    }

    private String transcribe(RecordingAudio piece) {
        try {
            return speech.transcribe(piece);
        } catch (BatchSpeechToText.SpeechRecognitionException e) {
            if (e.retryable()) {
                throw e;
            }
            throw JobFailure.permanent("speech-to-text refused the recording: " + e.getMessage(), e);
        }
    }

    /**
     * The audio cut into pieces of at most {@code max}, on sample-frame boundaries, in order: the
     * last one holds the rest. An empty recording is one empty piece.
     */
    static List<RecordingAudio> pieces(RecordingAudio audio, Duration max) {
        long maxBytes = max.toMillis() * audio.bytesPerSecond() / 1000;
        int step = (int) (maxBytes - maxBytes % audio.frameBytes());
        if (step <= 0) {
            throw new IllegalArgumentException("pieces of " + max + " hold no sample");
        }
        int length = audio.samples().length;
        if (length <= step) {
            return List.of(audio);
        }
        List<RecordingAudio> pieces = new ArrayList<>();
        for (int from = 0; from < length; from += step) {
            pieces.add(audio.slice(from, Math.min(length, from + step)));
        }
        return pieces;
    }

    /** Where byte {@code offset} of the audio is, from its start. */
    static Duration position(RecordingAudio audio, int offset) {
        return Duration.ofNanos(offset / audio.frameBytes() * 1_000_000_000L / audio.sampleRateHertz());
    }

    /**
     * The byte where {@code position} is, when it falls on a sample frame inside the audio (piece
     * boundaries always do); empty otherwise, and the transcription starts over.
     */
    static Optional<Integer> offset(RecordingAudio audio, Duration position) {
        if (position.isNegative() || position.compareTo(audio.duration()) >= 0) {
            return Optional.empty();
        }
        long nanos = position.toNanos();
        long frames = nanos * audio.sampleRateHertz() / 1_000_000_000L;
        if (frames * 1_000_000_000L != nanos * audio.sampleRateHertz()
                || frames * audio.frameBytes() >= audio.samples().length) {
            return Optional.empty();
        }
        return Optional.of((int) (frames * audio.frameBytes()));
    }

    /** The pieces' transcripts as one text: trimmed, blank ones left out, one space between. */
    static String join(List<String> texts) {
        return String.join(" ", texts.stream().map(String::strip).filter(t -> !t.isEmpty()).toList());
    }
}
