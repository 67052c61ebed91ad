package dev.switchboard.roles.worker;

import dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony;
import dev.switchboard.domain.HangupCallJob;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.testsupport.FakeTwilioCalls;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hangup_call_job} on a real worker and Redis, against the fake of Twilio's Calls API, which
 * checks Basic auth and the update's form like Twilio: an in-progress call is hung up with one
 * {@code POST .../Calls/{Sid}.json Status=completed}; a call that has ended (21220) or that Twilio
 * does not know (404) counts as done, with no retry; a 5xx is retried until Twilio takes it (a
 * hang-up is idempotent); wrong credentials fail at once.
 */
class HangupCallJobTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    static final String ACCOUNT = "AC" + "fedcba9876543210".repeat(2);
    static final String AUTH_TOKEN = "twilio-auth-token-hangup-0123456789";

    private final FakeTwilioCalls twilio = FakeTwilioCalls.start(ACCOUNT, AUTH_TOKEN);
    private final String business = "biz-" + UUID.randomUUID();
    private WorkerHarness worker;
    private JobQueue queue;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 4);
        queue = worker.queue;
    }

    private void startWorker(String token) {
        OutboundTelephony telephony = new TwilioOutboundTelephony(new TwilioOutboundTelephony.Settings(ACCOUNT, token,
                URI.create(twilio.url()), Duration.ofSeconds(2)), worker.http);
        worker.start("hangup-worker", List.of("high"), 2, new JobCatalogue(worker.collaborators(Clock.systemUTC())
                .telephony(Optional.of(telephony)).build()));
    }

    @AfterEach
    void stop() {
        worker.close();
        twilio.close();
    }

    private static String callSid() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return "CA" + HexFormat.of().formatHex(b);
    }

    private String enqueueHangup(String sid) {
        JobRequest request = HangupCallJob.request(business, "trace-" + sid, sid, "no media for 10000 ms");
        return queue.enqueue(request).jobId();
    }

    private String job(String id, String field) {
        return redis.commands().hget("rq:job:" + id, field);
    }

    @Test
    void hangsUpAnInProgressCallWithOneStatusCompletedUpdate() throws Exception {
        String sid = callSid();
        twilio.callInProgress(sid);
        startWorker(AUTH_TOKEN);
        String id = enqueueHangup(sid);
        // The same end reported twice (a retried enqueue) is one job.
        assertEquals(id, enqueueHangup(sid));

        await("the job to finish", () -> "finished".equals(job(id, "status")));
        assertEquals("completed", twilio.status(sid));
        List<FakeTwilioCalls.Update> updates = twilio.updates();
        assertEquals(1, updates.size(), "one hang-up request: " + updates);
        assertEquals(sid, updates.get(0).callSid());
        assertEquals("completed", updates.get(0).first("Status"));
        assertEquals(200, updates.get(0).status());
        assertEquals(business, job(id, "business_id"));
    }

    @Test
    void aCallThatHasEndedOrThatTwilioDoesNotKnowCountsAsHungUp() throws Exception {
        String ended = callSid();
        twilio.callInProgress(ended);
        twilio.setStatus(ended, "completed");   // the caller hung up first
        String unknown = callSid();
        startWorker(AUTH_TOKEN);
        String endedJob = enqueueHangup(ended);
        String unknownJob = enqueueHangup(unknown);

        await("both jobs to finish", () -> "finished".equals(job(endedJob, "status"))
                && "finished".equals(job(unknownJob, "status")));
        assertEquals("1", job(endedJob, "attempts"), "no retry for a call that is not in progress");
        assertEquals("1", job(unknownJob, "attempts"), "no retry for a call Twilio does not know");
        assertEquals(List.of(400, 404), twilio.updates().stream().map(FakeTwilioCalls.Update::status).sorted().toList());
    }

    @Test
    void aServerErrorIsRetriedUntilTwilioTakesTheHangUp() throws Exception {
        String sid = callSid();
        twilio.callInProgress(sid);
        twilio.answerNextUpdates(1, 500);
        startWorker(AUTH_TOKEN);
        String id = enqueueHangup(sid);

        await("the job to finish after a retry", () -> "finished".equals(job(id, "status")));
        assertEquals("completed", twilio.status(sid));
        assertEquals(List.of(500, 200), twilio.updates().stream().map(FakeTwilioCalls.Update::status).toList(),
                "one request per attempt (the SDK's own client would have repeated the 500 at once)");
        assertEquals("2", job(id, "attempts"));
    }

    @Test
    void wrongCredentialsFailAtOnceAndHangUpNothing() throws Exception {
        String sid = callSid();
        twilio.callInProgress(sid);
        startWorker("not-the-token");
        String id = enqueueHangup(sid);

        await("the job to fail", () -> "failed".equals(job(id, "status")));
        assertEquals("1", job(id, "attempts"));
        assertEquals("in-progress", twilio.status(sid));
        assertTrue(twilio.updates().isEmpty(), "Twilio refused before looking at the call");
    }

    @Test
    void aCallSidThatIsNotLettersAndDigitsFailsAtOnceAndNeverReachesTwilio() throws Exception {
        String sid = callSid();
        twilio.callInProgress(sid);
        startWorker(AUTH_TOKEN);
        List<String> ids = new java.util.ArrayList<>();
        for (String bad : List.of(sid + "/../" + callSid(), "../" + sid, sid + "/Recordings")) {
            ids.add(queue.enqueue(JobRequest.of(HangupCallJob.DEFINITION.name(), "high",
                    java.util.Map.of("call_sid", bad, "reason", "test"), business, "trace")).jobId());
        }

        for (String id : ids) {
            await("job " + id + " to fail", () -> "failed".equals(job(id, "status")));
            assertEquals("1", job(id, "attempts"), "not retried");
            String error = new String(dev.switchboard.testsupport.Zlib.inflate(
                    redis.binaryCommands().hget("rq:job:" + id, "exc_info")));
            assertTrue(error.contains("'call_sid' must be 2..64 letters and digits"), error);
        }
        assertTrue(twilio.updates().isEmpty(), "nothing sent to Twilio: " + twilio.updates());
        assertEquals("in-progress", twilio.status(sid));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
