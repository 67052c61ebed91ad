package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.BatchSpeechToText;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallRecordingException;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RecordingAudio;
import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.StoredRecording;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code recording_job} (queue {@code recordings}): a call's recording is complete at Twilio
 * (its recording status callback). Downloads the audio through the provider
 * ({@link CallRecordings}), transcribes it with batch recognition in pieces of at most
 * {@link BatchSpeechToText#MAX_PIECE} (Google's synchronous {@code Recognize} takes a minute at
 * most), and stores recording and transcript with the call ({@code recordings}, keyed by the
 * recording's sid, linked to the call log by business and call sid).
 *
 * <p>With no speech-to-text configured the recording is stored without a transcript
 * ({@code untranscribed}) and the result says why. Idempotent: a rerun downloads and transcribes
 * again and writes the same row (one per recording sid); a recording already transcribed, or
 * whose audio the retention already deleted, is left as it is.
 */
public final class RecordingJob implements JobHandler {

    public static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    /** Download plus transcription of a long call: slow, on its own queue and worker pool. */
    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("recording_job", Queues.RECORDINGS,
            RETRY, Duration.ofMinutes(15), new Codec(), RecordingJob::new);

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
        if (existing.isPresent() && !existing.get().status().equals(StoredRecording.UNTRANSCRIBED)) {
            result.put("stored", "already (" + existing.get().status() + ")");
            return result;
        }
        if (existing.isEmpty() && recordings.heldByAnotherBusiness(business, args.recordingSid())) {
            throw JobFailure.permanent("recording " + args.recordingSid() + " belongs to another business", null);
        }
        RecordingAudio audio = download(args.recordingSid());
        result.put("audio_seconds", audio.duration().toMillis() / 1000.0);
        Optional<String> transcript = Optional.empty();
        String status = StoredRecording.UNTRANSCRIBED;
        if (speech.enabled()) {
            List<RecordingAudio> pieces = pieces(audio, BatchSpeechToText.MAX_PIECE);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                job.progress().report(Math.min(99, i * 100 / pieces.size()),
                        "transcribing piece " + (i + 1) + " of " + pieces.size());
                texts.add(transcribe(pieces.get(i)));
            }
            transcript = Optional.of(join(texts));
            status = StoredRecording.TRANSCRIBED;
            result.put("pieces", pieces.size());
        } else {
            result.put("transcript", "none: speech-to-text is off (GOOGLE_SPEECH_ENDPOINT unset); recording stored without one");
        }
        Optional<Integer> duration = args.recordingDuration().filter(d -> d >= 0 && d <= Integer.MAX_VALUE)
                .map(Long::intValue);
        StoredRecording saved;
        try {
            saved = recordings.save(new StoredRecording(business, args.recordingSid(), args.callSid(),
                    args.recordingUrl(), duration, transcript, status, clock.instant(), Optional.empty()));
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent(e.getMessage(), e);
        }
        result.put("stored", saved.status());
        transcript.ifPresent(t -> result.put("transcript_chars", t.length()));
        result.put("call_log", callLogs.find(business, args.callSid()).isPresent()
                ? "found" : "not yet (the recording waits under its call sid)");
        return result;
    }

    private RecordingAudio download(String recordingSid) {
        try {
            return provider.download(recordingSid);
        } catch (CallRecordingException e) {
            if (e.kind() == CallRecordingException.Kind.UNAVAILABLE) {
                throw e;
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

    /** The pieces' transcripts as one text: trimmed, blank ones left out, one space between. */
    static String join(List<String> texts) {
        return String.join(" ", texts.stream().map(String::strip).filter(t -> !t.isEmpty()).toList());
    }
}
