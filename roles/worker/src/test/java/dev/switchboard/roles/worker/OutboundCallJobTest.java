package dev.switchboard.roles.worker;

import dev.switchboard.adapters.media.twilio.TwilioCallInstructions;
import dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.domain.BusinessPhoneNumbers;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.PlaceOutboundCallJob;
import dev.switchboard.domain.PlaceOutboundCallService;
import dev.switchboard.ports.in.PlaceOutboundCallCommand;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.NewOutboundCall;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallState;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code place_outbound_call_job} on a real worker, Redis and PostgreSQL, against a fake of
 * Twilio's Calls API that checks the account's Basic auth and the create's form like Twilio: the
 * call is created once, through the business's number, with TwiML that streams to the calls role;
 * a 5xx answer settles the request {@code unknown} after exactly one create (twilio-java's own
 * client would have sent three) and no rerun sends another; a rerun that finds {@code placing}
 * lists the calls at Twilio instead of posting again.
 */
class OutboundCallJobTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    static final String ACCOUNT = "AC" + "0123456789abcdef".repeat(2);
    static final String AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";
    static final String OUR_NUMBER = "+5511300000001";
    /** Short, so a rerun that finds placing need not wait long for a dead run's create to be over. */
    static final Duration TWILIO_TIMEOUT = Duration.ofMillis(800);

    private final FakeTwilioCalls twilio = FakeTwilioCalls.start(ACCOUNT, AUTH_TOKEN);
    private final String business = "biz-" + UUID.randomUUID();
    private WorkerHarness worker;
    private PostgresStore store;
    private JobQueue queue;
    private OutboundTelephony telephony;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        queue = worker.queue;
        telephony = telephony(AUTH_TOKEN);
    }

    private void startWorker() {
        worker.start("outbound-worker", List.of("high", "default"), 4, new JobCatalogue(
                worker.collaborators(Clock.systemUTC()).telephony(Optional.of(telephony)).build()));
    }

    private OutboundTelephony telephony(String token) {
        return new TwilioOutboundTelephony(new TwilioOutboundTelephony.Settings(ACCOUNT, token, URI.create(twilio.url()),
                TWILIO_TIMEOUT), worker.http);
    }

    @AfterEach
    void stop() {
        worker.close();
        twilio.close();
    }

    /** Requests a call the way the api does (the service the api's route calls). */
    private String request(String requestId, String to) {
        return new PlaceOutboundCallService(store.outboundCalls(), store.leads(),
                new BusinessPhoneNumbers(Map.of(OUR_NUMBER, business)), new TwilioCallInstructions("wss://calls.example.com"),
                "https://api.example.com/webhook/twilio/status", queue)
                .place(new PlaceOutboundCallCommand(business, "trace-" + requestId, to, Optional.empty(),
                        Optional.of(requestId))).jobId();
    }

    /** Enqueues the request's job again (a rerun: a requeue, a second delivery), bypassing its dedupe. */
    private void rerun(String requestId) {
        queue.enqueue(PlaceOutboundCallJob.DEFINITION.request(new PlaceOutboundCallJob.Args(requestId), business,
                "rerun-" + requestId));
    }

    private OutboundCall awaitSettled(String requestId, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<OutboundCall> call = store.outboundCalls().find(business, requestId);
            if (call.isPresent() && call.get().state().isFinal()) {
                return call.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not settled within " + within + ": " + store.outboundCalls().find(business, requestId));
    }

    private void awaitJobsDone() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (redis.commands().llen("rq:queue:high") == 0 && redis.commands().zcard("rq:wip:high") == 0
                    && redis.commands().zcard("rq:scheduled:high") == 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("jobs still pending");
    }

    /**
     * The job is enqueued inside the row's transaction; when that transaction is lost after the
     * enqueue, the orphan job stays in Redis with no row. The client's retry makes a new row, and
     * must get a job of its own, not the orphan's by dedupe (which by then may have failed for
     * want of a row, leaving the request {@code requested} for ever). Placed once all the same.
     */
    @Test
    void aRetryAfterARolledBackRequestGetsItsOwnJobAndTheCallIsPlacedOnce() throws Exception {
        String[] orphan = new String[1];
        NewOutboundCall lost = new NewOutboundCall(business, "r-lost", "+5511999990009", OUR_NUMBER, Optional.empty(),
                "<Response><Connect><Stream url=\"wss://calls.example.com/ws/twilio/media\"/></Connect></Response>",
                "https://api.example.com/webhook/twilio/status?outbound=r-lost");
        assertThrows(RuntimeException.class, () -> store.outboundCalls().create(lost, stored -> {
            orphan[0] = queue.enqueue(PlaceOutboundCallJob.request(business, "trace-lost", "r-lost", stored.createdAt()))
                    .jobId();
            throw new IllegalStateException("the commit was lost");
        }));
        assertEquals(Optional.empty(), store.outboundCalls().find(business, "r-lost"), "rolled back");

        String retried = request("r-lost", "+5511999990009");
        assertNotEquals(orphan[0], retried, "the retry's job is its own, not the orphan's by dedupe");
        assertEquals(retried, store.outboundCalls().find(business, "r-lost").orElseThrow().jobId().orElseThrow());

        startWorker();
        OutboundCall placed = awaitSettled("r-lost", Duration.ofSeconds(10));
        assertEquals(OutboundCallState.PLACED, placed.state(), placed.toString());
        awaitJobsDone();
        assertEquals(1, twilio.creates().size(), "both jobs ran; one dialed");
    }

    @Test
    void placesTheCallOnceThroughOurNumberWithTwimlThatStreamsToTheCallsRole() throws Exception {
        startWorker();
        request("r-1", "+5511999990001");
        OutboundCall placed = awaitSettled("r-1", Duration.ofSeconds(10));
        assertEquals(OutboundCallState.PLACED, placed.state(), placed.toString());

        List<FakeTwilioCalls.Create> creates = twilio.creates();
        assertEquals(1, creates.size());
        FakeTwilioCalls.Create create = creates.get(0);
        assertEquals(placed.callSid().orElseThrow(), create.callSid());
        assertEquals("+5511999990001", create.first("To"));
        assertEquals(OUR_NUMBER, create.first("From"));
        assertTrue(create.first("Twiml").contains("<Connect><Stream url=\"wss://calls.example.com/ws/twilio/media\">"),
                create.first("Twiml"));
        assertTrue(create.first("Twiml").contains("<Parameter name=\"BusinessId\" value=\"" + business + "\"/>"));
        assertEquals("https://api.example.com/webhook/twilio/status?outbound=r-1", create.first("StatusCallback"));
        assertEquals(List.of("initiated", "ringing", "answered", "completed"), create.form().get("StatusCallbackEvent"));
        assertEquals("30", create.first("Timeout"));

        // Reruns of a placed request send nothing.
        rerun("r-1");
        rerun("r-1");
        awaitJobsDone();
        assertEquals(1, twilio.creates().size());
        assertEquals(placed.callSid(), store.outboundCalls().find(business, "r-1").orElseThrow().callSid());
    }

    @Test
    void aServerErrorSettlesUnknownAfterExactlyOneCreateAndNoRerunSendsAnother() throws Exception {
        // Twilio queued the call and still answered 500: the case that dials a customer twice.
        twilio.answerNextCreates(3, 500, true);
        startWorker();
        request("r-500", "+5511999990002");
        OutboundCall unknown = awaitSettled("r-500", Duration.ofSeconds(10));
        assertEquals(OutboundCallState.UNKNOWN, unknown.state(), unknown.toString());
        assertTrue(unknown.error().orElseThrow().contains("500"), unknown.toString());
        assertEquals(1, twilio.creates().size(), "one POST: the SDK's own client would have sent three");

        rerun("r-500");
        awaitJobsDone();
        assertEquals(1, twilio.creates().size(), "a rerun never sends the create again");
        assertEquals(OutboundCallState.UNKNOWN, store.outboundCalls().find(business, "r-500").orElseThrow().state());
    }

    @Test
    void aRefusalFailsTheRequestAndWrongCredentialsAreRefusedLikeTwilioDoes() throws Exception {
        worker.start("outbound-worker-bad", List.of("high"), 2, new JobCatalogue(worker.collaborators(Clock.systemUTC())
                .telephony(Optional.of(telephony("not-the-token-0123456789abcdef00"))).build()));
        request("r-401", "+5511999990003");
        OutboundCall failed = awaitSettled("r-401", Duration.ofSeconds(10));
        assertEquals(OutboundCallState.FAILED, failed.state(), failed.toString());
        assertTrue(failed.error().orElseThrow().contains("401"), failed.toString());
        assertEquals(0, twilio.creates().size(), "the fake refused before creating anything");
    }

    /**
     * Two requests to the same number were both placing when their worker died; only r-b's create
     * reached Twilio. Each rerun finds one unclaimed call between the numbers, which could be
     * either's: neither takes it (r-a would have been marked placed with r-b's call); both are
     * unknown until the call's status callback says whose it is.
     */
    @Test
    void aCallFoundAtTwilioThatCouldBeAnotherInterruptedRequestsIsClaimedByNeither() throws Exception {
        request("r-a", "+5511999990006");
        request("r-b", "+5511999990006");
        store.outboundCalls().beginPlacing(business, "r-a").orElseThrow();
        OutboundCall b = store.outboundCalls().beginPlacing(business, "r-b").orElseThrow();
        telephony.place(new OutboundTelephony.Placement(b.fromNumber(), b.toNumber(), b.twiml(), b.statusCallback(), 30));

        startWorker();
        OutboundCall a = awaitSettled("r-a", Duration.ofSeconds(15));
        OutboundCall bSettled = awaitSettled("r-b", Duration.ofSeconds(15));
        assertEquals(OutboundCallState.UNKNOWN, a.state(), a.toString());
        assertEquals(Optional.empty(), a.callSid(), "r-a did not take r-b's call");
        assertEquals(OutboundCallState.UNKNOWN, bSettled.state(), bSettled.toString());
        assertEquals(1, twilio.creates().size(), "and nothing was dialed again");
    }

    @Test
    void aRerunThatFindsPlacingLooksTheCallUpInsteadOfPostingAgain() throws Exception {
        // An earlier run moved both requests to placing; for r-sent its create reached Twilio before
        // the run died, for r-lost it did not. Then the job runs again.
        request("r-sent", "+5511999990004");
        request("r-lost", "+5511999990005");
        OutboundCall sent = store.outboundCalls().beginPlacing(business, "r-sent").orElseThrow();
        store.outboundCalls().beginPlacing(business, "r-lost").orElseThrow();
        String sid = telephony.place(new OutboundTelephony.Placement(sent.fromNumber(), sent.toNumber(), sent.twiml(),
                sent.statusCallback(), 30));
        assertEquals(1, twilio.creates().size());

        startWorker();
        OutboundCall found = awaitSettled("r-sent", Duration.ofSeconds(15));
        assertEquals(OutboundCallState.PLACED, found.state(), found.toString());
        assertEquals(Optional.of(sid), found.callSid());
        OutboundCall lost = awaitSettled("r-lost", Duration.ofSeconds(15));
        assertEquals(OutboundCallState.UNKNOWN, lost.state(), lost.toString());
        assertEquals(1, twilio.creates().size(), "no create after placing: looked up instead");
        assertTrue(twilio.lists() >= 2, "each rerun listed the calls at Twilio");
    }
}
