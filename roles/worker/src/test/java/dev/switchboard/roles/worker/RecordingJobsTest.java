package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.domain.BusinessPhoneNumbers;
import dev.switchboard.domain.CleanupOldRecordingsJob;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.domain.ReceiveCallEventService;
import dev.switchboard.domain.RecordingJob;
import dev.switchboard.ports.in.CallEvent;
import com.google.cloud.speech.v1.RecognitionConfig;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobProgress;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.StoredRecording;
import dev.switchboard.testsupport.FakeSpeechService;
import dev.switchboard.testsupport.FakeTwilioRecordings;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code recording_job} and {@code cleanup_old_recordings_job} run by a real worker against real
 * Redis and PostgreSQL, with a fake Twilio REST API that checks Basic auth and serves WAV media, and
 * a fake Google Speech {@code Recognize} that refuses what Google refuses (another encoding or
 * sample rate, over a minute of audio). The worker's Twilio and speech adapters come from its
 * configuration ({@link WorkerIntegrations}), as in production.
 */
class RecordingJobsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "test-auth-token-" + UUID.randomUUID();
    private static final String NUMBER = "+5511999990000";

    private final String business = "biz-" + UUID.randomUUID();
    private final String other = "biz-" + UUID.randomUUID();
    private final FakeTwilioRecordings twilio = FakeTwilioRecordings.start(ACCOUNT, TOKEN);
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private FakeSpeechService speech;
    private WorkerHarness worker;
    private PostgresStore store;
    private RedisConnections connections;
    private JobQueue queue;
    private JobCatalogue catalogue;
    private WorkerIntegrations.RecordingSpeech recordingSpeech;

    /** The worker, configured from {@code env} plus the fake Twilio. */
    private void startWorker(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_BASE_URL", twilio.url(), "CALL_LANGUAGE", "pt-BR"));
        env.putAll(extraEnv);
        WorkerIntegrations integrations = WorkerIntegrations.fromEnvironment(env);
        recordingSpeech = integrations.recordingSpeech();
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        connections = worker.connections;
        queue = worker.queue;
        catalogue = new JobCatalogue(worker.collaborators(clock)
                .callRecordings(TwilioAccount.fromEnvironment(env).callRecordings())
                .batchSpeech(recordingSpeech.speech())
                .build());
        worker.start("recordings-worker", List.of("recordings", "maintenance"), 4, catalogue);
    }

    private void startWorkerWithSpeech() throws Exception {
        // Each second of the test recordings carries its own number in every sample; the fake
        // "hears" the second a piece starts at.
        speech = FakeSpeechService.forRecognize(audio -> audio.length == 0 ? "" : "from second " + (audio[0] & 0xFF));
        startWorker(Map.of("GOOGLE_SPEECH_ENDPOINT", speech.endpoint()));
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (recordingSpeech != null) {
            recordingSpeech.client().ifPresent(c -> {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        if (speech != null) {
            speech.close();
        }
        twilio.close();
    }

    /** {@code seconds} of 8 kHz 16-bit mono PCM whose every sample in second {@code s} is {@code s}. */
    private static byte[] numberedSeconds(int seconds) {
        byte[] pcm = new byte[seconds * 8000 * 2];
        for (int i = 0; i < pcm.length; i += 2) {
            pcm[i] = (byte) (i / 16000);
        }
        return pcm;
    }

    private static String sid(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    /** The recording callback as the api's use case turns it into a job (webhook → job). */
    private ReceiveCallEventResult callback(String owner, String callSid, String recordingSid) {
        ReceiveCallEventService service = new ReceiveCallEventService(
                new BusinessPhoneNumbers(Map.of(NUMBER, business, "+5511888880000", other)), queue, clock);
        return service.receive(new ReceiveCallEventCommand(new CallEvent.RecordingStatusChanged(callSid, recordingSid,
                "completed", Optional.of("https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/"
                + recordingSid), Optional.of(130L), Optional.of(1L), Optional.of("StartCallRecordingTwiML")),
                Optional.of(owner), "trace-" + recordingSid));
    }

    private JobView finished(String jobId) throws InterruptedException {
        await("job " + jobId + " to finish", () -> "finished".equals(status(jobId)) || "failed".equals(status(jobId)));
        JobView view = new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), jobId).orElseThrow();
        assertEquals("finished", status(jobId), "job " + jobId + ": " + error(jobId));
        return view;
    }

    private String error(String jobId) {
        return new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), jobId).orElseThrow()
                .error().orElse("");
    }

    private String status(String jobId) {
        return redis.commands().hget("rq:job:" + jobId, "status");
    }

    @Test
    void aCompletedRecordingIsDownloadedTranscribedIn55SecondPiecesAndStoredWithItsCall() throws Exception {
        startWorkerWithSpeech();
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        store.callLogs().open(new CallLogStart(business, callSid, "inbound", Optional.of("+5511988887777"),
                Optional.of(NUMBER), Optional.empty(), clock.instant().minusSeconds(140)));
        twilio.put(recordingSid, callSid, numberedSeconds(130), 8000);

        ReceiveCallEventResult result = callback(business, callSid, recordingSid);
        String jobId = assertInstanceOf(ReceiveCallEventResult.Accepted.class, result).jobs().getFirst().jobId();
        JobView job = finished(jobId);

        StoredRecording stored = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.TRANSCRIBED, stored.status());
        assertEquals(Optional.of("from second 0 from second 55 from second 110"), stored.transcript(),
                "three pieces, in order: 0-55 s, 55-110 s, 110-130 s");
        assertEquals(callSid, stored.callSid());
        assertEquals(Optional.of(130), stored.durationSeconds());
        assertEquals(List.of(stored), store.recordings().forCall(business, callSid), "attached to its call");
        Map<?, ?> summary = (Map<?, ?>) job.result().orElseThrow();
        assertEquals(3, ((Number) summary.get("pieces")).intValue(), summary.toString());
        assertEquals("found", summary.get("call_log"), summary.toString());

        assertEquals(List.of(), speech.refusedRecognize, "Recognize took every piece (LINEAR16, 8000 Hz, under a minute)");
        assertEquals(3, speech.recognizeRequests.size());
        speech.recognizeRequests.forEach(r -> {
            assertEquals("pt-BR", r.getConfig().getLanguageCode());
            assertTrue(r.getAudio().getContent().size() <= 55 * 16000, "at most 55 s per request");
        });
        assertEquals(0, twilio.unauthorized(), "every request carried the account's Basic auth");
        FakeTwilioRecordings.Received download = twilio.received().getFirst();
        assertEquals("GET", download.method());
        assertEquals("/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + recordingSid + ".wav", download.path(),
                "fetched from the configured base by sid, never from the callback's RecordingUrl");
        assertEquals("RequestedChannels=1", download.query());
    }

    @Test
    void aRedeliveredCallbackAndARerunLeaveOneRowWithTheSameTranscript() throws Exception {
        startWorkerWithSpeech();
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(20), 8000);

        String jobId = callback(business, callSid, recordingSid).jobs().getFirst().jobId();
        ReceiveCallEventResult again = callback(business, callSid, recordingSid);
        assertInstanceOf(EnqueueResult.Duplicate.class, again.jobs().getFirst(), "one job per RecordingSid");
        assertEquals(jobId, again.jobs().getFirst().jobId());
        finished(jobId);
        StoredRecording first = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(Optional.of("from second 0"), first.transcript());

        // A rerun (an operator's requeue, or a retry after a crash): the row is written again, the same.
        RecordingJob.Args args = RecordingJob.DEFINITION.argsOf(new JobExecution("x", "recording_job",
                redisKwargs(jobId), business, "t", 1, (p, m) -> { }));
        for (int i = 0; i < 2; i++) {
            finished(queue.enqueue(RecordingJob.DEFINITION.request(args, business, "rerun-" + i)).jobId());
        }
        assertEquals(Optional.of(first), store.recordings().find(business, recordingSid));
        assertEquals(1, store.recordings().forCall(business, callSid).size());
        // A rerun of a job whose recording was stored without a transcript transcribes it now.
        String untranscribed = sid("RE");
        twilio.put(untranscribed, callSid, numberedSeconds(2), 8000);
        store.recordings().save(new StoredRecording(business, untranscribed, callSid, "u", Optional.empty(),
                Optional.empty(), StoredRecording.UNTRANSCRIBED, clock.instant(), Optional.empty()));
        RecordingJob.Args rerun = new RecordingJob.Args(business, callSid, untranscribed, "u", "completed",
                Optional.empty(), Optional.empty(), Optional.empty());
        finished(queue.enqueue(RecordingJob.DEFINITION.request(rerun, business, "rerun-untranscribed")).jobId());
        assertEquals(Optional.of("from second 0"), store.recordings().find(business, untranscribed).orElseThrow().transcript());
        assertEquals(2, store.recordings().forCall(business, callSid).size());
    }

    private Map<String, Object> redisKwargs(String jobId) {
        JobView view = new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), jobId).orElseThrow();
        return view.kwargs();
    }

    @Test
    void anotherBusinessNeverSeesNorTakesARecording() throws Exception {
        startWorkerWithSpeech();
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(3), 8000);
        finished(callback(business, callSid, recordingSid).jobs().getFirst().jobId());

        assertEquals(Optional.empty(), store.recordings().find(other, recordingSid));
        assertEquals(List.of(), store.recordings().forCall(other, callSid));
        // The other business's callback naming the same recording sid folds into the first job
        // (Twilio's sids are global, so is the dedupe key); a job of the other business naming it
        // anyway fails for good, and the first business's row is untouched.
        StoredRecording before = store.recordings().find(business, recordingSid).orElseThrow();
        assertInstanceOf(EnqueueResult.Duplicate.class, callback(other, callSid, recordingSid).jobs().getFirst());
        String smuggled = queue.enqueue(RecordingJob.DEFINITION.request(new RecordingJob.Args(other, callSid,
                recordingSid, "u", "completed", Optional.empty(), Optional.empty(), Optional.empty()), other,
                "smuggled")).jobId();
        await("the other business's job to fail", () -> "failed".equals(status(smuggled)));
        assertTrue(error(smuggled).contains("another business"), error(smuggled));
        assertEquals(1, twilio.received().size(), "the other business's job fetched no audio");
        assertEquals(Optional.of(before), store.recordings().find(business, recordingSid));
        assertEquals(Optional.empty(), store.recordings().find(other, recordingSid));
        // A job whose kwargs name another business than the job's own is refused before anything.
        RecordingJob.Args foreign = new RecordingJob.Args(business, callSid, sid("RE"), "u", "completed",
                Optional.empty(), Optional.empty(), Optional.empty());
        String wrong = queue.enqueue(RecordingJob.DEFINITION.request(foreign, other, "wrong-business")).jobId();
        await("the mismatched job to fail", () -> "failed".equals(status(wrong)));
        assertEquals(0, twilio.unauthorized());
    }

    @Test
    void withoutSpeechTheRecordingIsStoredWithoutATranscriptAndTheJobSaysSo() throws Exception {
        startWorker(Map.of());
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(4), 8000);
        JobView job = finished(callback(business, callSid, recordingSid).jobs().getFirst().jobId());
        StoredRecording stored = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.UNTRANSCRIBED, stored.status());
        assertEquals(Optional.empty(), stored.transcript());
        assertTrue(String.valueOf(job.result().orElseThrow()).contains("speech-to-text is off"), job.result().toString());
    }

    @Test
    void aRecordingTwilioNoLongerHasFailsTheJobAtOnce() throws Exception {
        startWorker(Map.of());
        String gone = callback(business, sid("CA"), sid("RE")).jobs().getFirst().jobId();
        await("the job of a missing recording to fail", () -> "failed".equals(status(gone)));
        assertTrue(error(gone).contains("404"), error(gone));
    }

    @Test
    void aWrongAuthTokenIsRefusedByTwilioAndFailsTheJobWithoutTheToken() throws Exception {
        String wrongToken = "wrong-token-" + UUID.randomUUID();
        startWorker(Map.of("TWILIO_AUTH_TOKEN", wrongToken));
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(2), 8000);
        String jobId = callback(business, callSid, recordingSid).jobs().getFirst().jobId();
        await("the job with a wrong token to fail", () -> "failed".equals(status(jobId)));
        assertEquals(1, twilio.unauthorized(), "the fake checked the Basic auth and refused it, once (no retry)");
        assertTrue(error(jobId).contains("401"), error(jobId));
        assertFalse(error(jobId).contains(wrongToken), "the token never reaches the job's error");
        // Stored all the same, failed and saying why, so that the retention deletes it at Twilio.
        StoredRecording failed = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.FAILED, failed.status());
        assertTrue(failed.failureReason().orElseThrow().contains("401"), failed.toString());
        assertFalse(failed.failureReason().orElseThrow().contains(wrongToken), "nor the stored reason");
        assertEquals(Optional.empty(), failed.transcript());
    }

    @Test
    void theCleanupDeletesOnlyRecordingsOlderThanSevenDaysAtTwilioAndInTheStoreAndToleratesGoneOnes() throws Exception {
        startWorker(Map.of());
        Instant now = clock.instant();
        String callSid = sid("CA");
        String oldA = sid("RE");
        String oldB = sid("RE");
        String goneAlready = sid("RE");
        String young = sid("RE");
        for (String[] r : new String[][]{{business, oldA, "8"}, {other, oldB, "10"}, {business, goneAlready, "9"},
                {business, young, "6"}}) {
            store.recordings().save(new StoredRecording(r[0], r[1], callSid, "u", Optional.of(30),
                    Optional.of("transcript of " + r[1]), StoredRecording.TRANSCRIBED,
                    now.minus(Duration.ofDays(Long.parseLong(r[2]))), Optional.empty()));
            if (!r[1].equals(goneAlready)) {
                twilio.put(r[1], callSid, numberedSeconds(1), 8000);
            }
        }

        JobView job = finished(queue.enqueue(CleanupOldRecordingsJob.DEFINITION.request(
                new CleanupOldRecordingsJob.Args(PeriodicJobs.RECORDING_RETENTION_DAYS),
                PeriodicJobs.SYSTEM_BUSINESS, "cleanup-1")).jobId());

        assertEquals(Set.of(oldA, oldB), twilio.deleted().keySet(), "the two old ones Twilio had");
        assertTrue(twilio.has(young), "six days old: kept");
        for (String[] r : new String[][]{{business, oldA}, {other, oldB}, {business, goneAlready}}) {
            StoredRecording deleted = store.recordings().find(r[0], r[1]).orElseThrow();
            assertEquals(StoredRecording.DELETED, deleted.status(), r[1]);
            assertEquals(Optional.of("transcript of " + r[1]), deleted.transcript(), "the transcript stays with the call");
            assertTrue(deleted.deletedAt().isPresent());
        }
        assertEquals(StoredRecording.TRANSCRIBED, store.recordings().find(business, young).orElseThrow().status());
        Map<?, ?> summary = (Map<?, ?>) job.result().orElseThrow();
        assertEquals(3, ((Number) summary.get("deleted")).intValue(), summary.toString());
        assertEquals(1, ((Number) summary.get("already_gone_at_twilio")).intValue(), summary.toString());
        assertEquals(Map.of(business, 2, other, 1), summary.get("deleted_per_business"));
        assertEquals(0, twilio.unauthorized());

        // Idempotent: a second run finds nothing to do.
        JobView rerun = finished(queue.enqueue(CleanupOldRecordingsJob.DEFINITION.request(
                new CleanupOldRecordingsJob.Args(7), PeriodicJobs.SYSTEM_BUSINESS, "cleanup-2")).jobId());
        assertEquals(0, ((Number) ((Map<?, ?>) rerun.result().orElseThrow()).get("deleted")).intValue());

        // Two days later the young one is due; a Twilio error leaves it for the retry, which deletes it.
        clock.set(now.plus(Duration.ofDays(2)));
        twilio.failNextDeletes(1, 500);
        JobExecution slot = new JobExecution("slot", "cleanup_old_recordings_job", Map.of("retention_days", 7),
                PeriodicJobs.SYSTEM_BUSINESS, "slot", 1, (p, m) -> { });
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> catalogue.handlerFor("cleanup_old_recordings_job").orElseThrow().run(slot));
        assertTrue(failed.getMessage().contains("1 recording(s) could not be deleted"), failed.getMessage());
        assertEquals(StoredRecording.TRANSCRIBED, store.recordings().find(business, young).orElseThrow().status());
        catalogue.handlerFor("cleanup_old_recordings_job").orElseThrow().run(slot);
        assertEquals(StoredRecording.DELETED, store.recordings().find(business, young).orElseThrow().status());
        assertFalse(twilio.has(young));
    }

    /** Runs one attempt of {@code args}'s job on this thread, reporting progress to {@code progress}. */
    private Object runDirectly(RecordingJob.Args args, JobProgress progress) throws Exception {
        JobRequest request = RecordingJob.DEFINITION.request(args, args.businessId(), "direct");
        return catalogue.handlerFor("recording_job").orElseThrow().run(new JobExecution("direct-" + UUID.randomUUID(),
                "recording_job", request.kwargs(), args.businessId(), "direct", 1, progress));
    }

    private static RecordingJob.Args args(String owner, String callSid, String recordingSid) {
        return new RecordingJob.Args(owner, callSid, recordingSid, "u", "completed", Optional.of(130L),
                Optional.of(1L), Optional.empty());
    }

    @Test
    void aRecordingWhoseCallLogIsAnotherBusinessesFailsForGoodAndWritesNothing() throws Exception {
        startWorkerWithSpeech();
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        store.callLogs().open(new CallLogStart(other, callSid, "inbound", Optional.of("+5511988887777"),
                Optional.of("+5511888880000"), Optional.empty(), clock.instant().minusSeconds(60)));
        twilio.put(recordingSid, callSid, numberedSeconds(3), 8000);

        // A callback URL configured with the wrong business: the job is the first business's.
        String jobId = callback(business, callSid, recordingSid).jobs().getFirst().jobId();
        await("the job to fail", () -> "failed".equals(status(jobId)));

        assertTrue(error(jobId).contains("belongs to another business"), error(jobId));
        assertFalse(error(jobId).contains(other), "the other business is not named");
        assertEquals(List.of(), twilio.received(), "no audio fetched");
        assertEquals(List.of(), speech.recognizeRequests);
        assertEquals(Optional.empty(), store.recordings().find(business, recordingSid), "nothing filed under it");
        assertEquals(Optional.empty(), store.recordings().find(other, recordingSid));
        JobFailure failure = assertThrows(JobFailure.class, () -> runDirectly(args(business, callSid, recordingSid),
                JobProgress.NONE));
        assertTrue(failure.permanent(), "no retry: " + failure.getMessage());
        // The business's own call still takes its recordings.
        String own = sid("CA");
        store.callLogs().open(new CallLogStart(business, own, "inbound", Optional.empty(), Optional.of(NUMBER),
                Optional.empty(), clock.instant()));
        finished(ownJob(own));
    }

    private String ownJob(String callSid) {
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(2), 8000);
        return callback(business, callSid, recordingSid).jobs().getFirst().jobId();
    }

    @Test
    void aRecordingGoogleRefusesIsStoredFailedWithWhyAndTheCleanupStillDeletesItAtTwilio() throws Exception {
        startWorkerWithSpeech();
        speech.expectRecognizeConfig(RecognitionConfig.AudioEncoding.MULAW, 8000); // ours is LINEAR16: refused
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(70), 8000);

        String jobId = callback(business, callSid, recordingSid).jobs().getFirst().jobId();
        await("the refused job to fail", () -> "failed".equals(status(jobId)));

        assertEquals(1, speech.refusedRecognize.size(), "refused for good at the first piece: no retry");
        StoredRecording failed = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.FAILED, failed.status());
        assertTrue(failed.failureReason().orElseThrow().contains("INVALID_ARGUMENT"), failed.toString());
        assertEquals(Optional.of(130), failed.durationSeconds());

        clock.set(clock.instant().plus(Duration.ofDays(8)));
        finished(queue.enqueue(CleanupOldRecordingsJob.DEFINITION.request(new CleanupOldRecordingsJob.Args(7),
                PeriodicJobs.SYSTEM_BUSINESS, "cleanup-failed")).jobId());
        assertFalse(twilio.has(recordingSid), "deleted at Twilio after the retention");
        assertEquals(StoredRecording.DELETED, store.recordings().find(business, recordingSid).orElseThrow().status());
    }

    @Test
    void aPassingGoogleErrorIsRetriedAndLeavesTheRecordingPendingThenARetryTranscribesIt() throws Exception {
        startWorkerWithSpeech();
        speech.scriptRecognize(audio -> {
            throw new IllegalStateException("backend blip"); // the fake answers UNKNOWN: retryable
        });
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(3), 8000);

        Exception blip = assertThrows(Exception.class, () -> runDirectly(args(business, callSid, recordingSid),
                JobProgress.NONE));
        assertFalse(blip instanceof JobFailure f && f.permanent(), "retried: " + blip);
        StoredRecording pending = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.PENDING, pending.status());
        assertEquals(Optional.empty(), pending.failureReason());

        speech.scriptRecognize(audio -> "from second " + (audio[0] & 0xFF));
        runDirectly(args(business, callSid, recordingSid), JobProgress.NONE);
        StoredRecording done = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.TRANSCRIBED, done.status());
        assertEquals(Optional.of("from second 0"), done.transcript());
        assertEquals(pending.recordedAt(), done.recordedAt(), "the retention counts from the first store");
    }

    @Test
    void anInterruptedJobStopsBetweenPiecesAndTheRecordingStaysPending() throws Exception {
        startWorkerWithSpeech();
        String callSid = sid("CA");
        String recordingSid = sid("RE");
        twilio.put(recordingSid, callSid, numberedSeconds(170), 8000); // four pieces
        // The worker interrupts a job for its timeout, a cancel or a shutdown: here after the first piece.
        JobProgress interruptAtSecondPiece = (percent, message) -> {
            if (message.contains("piece 2 of 4")) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            assertThrows(Exception.class, () -> runDirectly(args(business, callSid, recordingSid),
                    interruptAtSecondPiece));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the worker");
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, speech.recognizeRequests.size(), "no piece transcribed after the interrupt");
        assertEquals(StoredRecording.PENDING, store.recordings().find(business, recordingSid).orElseThrow().status());

        // The next attempt goes on from the first piece's end: three more pieces, not four.
        Map<?, ?> summary = (Map<?, ?>) runDirectly(args(business, callSid, recordingSid), JobProgress.NONE);
        assertEquals(4, speech.recognizeRequests.size(), "each piece transcribed once over both attempts");
        assertEquals(55, ((Number) summary.get("resumed_at_seconds")).intValue(), summary.toString());
        StoredRecording done = store.recordings().find(business, recordingSid).orElseThrow();
        assertEquals(StoredRecording.TRANSCRIBED, done.status());
        assertEquals(Optional.of("from second 0 from second 55 from second 110 from second 165"), done.transcript());
        assertEquals(Optional.empty(), store.recordings().progress(business, recordingSid));
    }

    @Test
    void theCleanupStopsAtTheFirstRefusalOfTheAccountAndFailsForGood() throws Exception {
        String wrongToken = "wrong-token-" + UUID.randomUUID();
        startWorker(Map.of("TWILIO_AUTH_TOKEN", wrongToken));
        Instant now = clock.instant();
        List<String> old = List.of(sid("RE"), sid("RE"), sid("RE"));
        for (String recordingSid : old) {
            store.recordings().save(new StoredRecording(business, recordingSid, sid("CA"), "u", Optional.of(30),
                    Optional.of("t"), StoredRecording.TRANSCRIBED, now.minus(Duration.ofDays(9)), Optional.empty()));
            twilio.put(recordingSid, "CA1", numberedSeconds(1), 8000);
        }
        JobExecution slot = new JobExecution("slot", "cleanup_old_recordings_job", Map.of("retention_days", 7),
                PeriodicJobs.SYSTEM_BUSINESS, "slot", 1, (p, m) -> { });

        JobFailure refused = assertThrows(JobFailure.class,
                () -> catalogue.handlerFor("cleanup_old_recordings_job").orElseThrow().run(slot));

        assertTrue(refused.permanent(), "no retry storm: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("refused the account"), refused.getMessage());
        assertTrue(refused.getMessage().contains("401"), refused.getMessage());
        assertFalse(refused.getMessage().contains(wrongToken));
        assertEquals(1, twilio.unauthorized(), "stopped at the first refusal");
        for (String recordingSid : old) {
            assertTrue(twilio.has(recordingSid));
            assertEquals(StoredRecording.TRANSCRIBED, store.recordings().find(business, recordingSid).orElseThrow().status());
        }
        // Through the queue it lands in the failed registry at once.
        String jobId = queue.enqueue(CleanupOldRecordingsJob.DEFINITION.request(new CleanupOldRecordingsJob.Args(7),
                PeriodicJobs.SYSTEM_BUSINESS, "cleanup-refused")).jobId();
        await("the refused cleanup to fail", () -> "failed".equals(status(jobId)));
        assertEquals(2, twilio.unauthorized());
        // The sweep looks at every business: leave nothing due for the other tests' sweeps.
        old.forEach(recordingSid -> store.recordings().markDeleted(business, recordingSid, now));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    /** The jobs' business clock, moved by the test. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
