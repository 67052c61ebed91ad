package dev.switchboard.roles.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.http.StandardWebhookSignature;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisLiveCalls;
import dev.switchboard.domain.CallLogJobs;
import dev.switchboard.domain.FinalizeAbandonedCallsJob;
import dev.switchboard.domain.FinalizeCallLogJob;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.domain.JobDefinition;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call jobs run by a real worker against real Redis and PostgreSQL, with a webhook receiver
 * that verifies signatures: a call's log, lead and turns whatever the order its jobs run in, one
 * finalization with one {@code call.completed}, the sweep for calls whose calls process died, and
 * Twilio's status callback.
 */
class CallJobsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());

    private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(SECRET);
    private final String business = "biz-" + UUID.randomUUID();
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(120);
    private WorkerHarness worker;
    private PostgresStore store;
    private JobQueue queue;
    private LiveCalls live;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        queue = worker.queue;
        live = new RedisLiveCalls(worker.connections);
        Clock clock = Clock.systemUTC();
        JobCollaborators collaborators = worker.collaborators(clock)
                .liveCalls(live)
                .webhooks(worker.webhooks(clock))
                .build();
        worker.start("calls-worker", List.of("high", "default", "maintenance"), 4, new JobCatalogue(collaborators));
    }

    @AfterEach
    void stop() {
        worker.close();
        receiver.close();
    }

    private CallLogStart call(String sid) {
        return CallLogJobs.start(business, sid, "MZ" + sid.substring(2), Map.of("From", "+5511988887777",
                "To", "+5511999990000", "BusinessId", business), start);
    }

    private static String sid() {
        return "CA" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aCallsJobsInAnyOrderAndTwiceLeaveOneLogWithItsLeadTurnsAndOneCallCompleted() throws Exception {
        store.webhookEndpoints().create(business, URI.create(receiver.url()), Set.of("call.completed"), SECRET);
        String sid = sid();
        CallLogStart call = call(sid);
        List<JobRequest> jobs = new ArrayList<>();
        // The end first: its finalization waits for the two turns it names.
        jobs.add(CallLogJobs.ended(call, true, start.plusSeconds(61), 2, "stop", "t-1"));
        jobs.add(CallLogJobs.turn(call, new CallTurn(1, "caller", "What are your opening hours?", start.plusSeconds(9)), "t-1"));
        jobs.add(CallLogJobs.turn(call, new CallTurn(0, "agent", "Hello! How can I help?", start.plusSeconds(1)), "t-1"));
        jobs.addAll(CallLogJobs.started(call, "t-1"));
        queue.enqueueAll(jobs);
        List<EnqueueResult> again = queue.enqueueAll(jobs);
        assertTrue(again.stream().allMatch(EnqueueResult.Duplicate.class::isInstance), "each job once: " + again);

        await("the call to be finalized", () -> store.callLogs().find(business, sid).map(CallLog::finalized).orElse(false));
        CallLog log = store.callLogs().find(business, sid).orElseThrow();
        assertEquals(Optional.of("completed"), log.outcome());
        assertEquals(Optional.of(61), log.durationSeconds());
        assertEquals(Optional.of("agent: Hello! How can I help?\ncaller: What are your opening hours?"), log.transcript(),
                "the finalization waited for the turns");
        assertEquals(Optional.of("MZ" + sid.substring(2)), log.streamSid());
        await("the lead to be linked", () -> store.callLogs().find(business, sid).orElseThrow().leadId().isPresent());
        Lead lead = store.leads().find(business, store.callLogs().find(business, sid).orElseThrow().leadId().get())
                .orElseThrow();
        assertEquals(Optional.of("+5511988887777"), lead.phone());
        assertEquals("call", lead.source());

        await("the call.completed webhook", () -> receiver.accepted().size() == 1);
        JsonNode event = JSON.readTree(receiver.accepted().values().iterator().next());
        assertEquals("call.completed", event.path("type").asText());
        assertEquals(sid, event.path("data").path("call_sid").asText());
        assertEquals("completed", event.path("data").path("outcome").asText());
        assertEquals(61, event.path("data").path("duration_seconds").asInt());
        assertTrue(event.path("data").path("transcript").asText().contains("opening hours"));

        // A later verdict (the sweep's, Twilio's) changes nothing and publishes nothing more.
        queue.enqueue(FinalizeCallLogJob.DEFINITION.request(new FinalizeCallLogJob.Args(call,
                FinalizeCallLogJob.Source.SWEEP, new CallLogEnd("interrupted", Optional.empty(), Optional.empty()),
                Optional.empty(), Optional.empty()), business, "t-2"));
        Thread.sleep(1000);
        assertEquals(log.outcome(), store.callLogs().find(business, sid).orElseThrow().outcome());
        assertEquals(1, receiver.attempts().size());
    }

    @Test
    void theSweepFinalizesACallNoProcessServesAsInterruptedAtItsLastTurnAndLeavesLiveOnesOpen() throws Exception {
        String dead = sid();
        String alive = sid();
        queue.enqueueAll(CallLogJobs.started(call(dead), "t-1"));
        queue.enqueueAll(CallLogJobs.started(call(alive), "t-1"));
        queue.enqueue(CallLogJobs.turn(call(dead), new CallTurn(0, "agent", "Hello!", start.plusSeconds(4)), "t-1"));
        await("both logs and the turn", () -> store.callLogs().find(business, alive).isPresent()
                && store.callLogs().turns(business, dead).size() == 1);
        live.markLive(List.of(new LiveCalls.Call(business, alive)), Duration.ofSeconds(30));

        queue.enqueue(FinalizeAbandonedCallsJob.DEFINITION.request(new JobDefinition.NoArgs(),
                PeriodicJobs.SYSTEM_BUSINESS, "sweep-1"));
        await("the dead call to be finalized", () -> store.callLogs().find(business, dead).orElseThrow().finalized());
        CallLog log = store.callLogs().find(business, dead).orElseThrow();
        assertEquals(Optional.of("interrupted"), log.outcome());
        assertEquals(Optional.of(start.plusSeconds(4)), log.endedAt(), "ends at its last sign of life");
        assertEquals(Optional.of(4), log.durationSeconds());
        assertFalse(store.callLogs().find(business, alive).orElseThrow().finalized(), "a live call stays open");

        // The stream's own verdict for the dead call, arriving late, is the same job: nothing twice.
        assertInstanceOf(EnqueueResult.Duplicate.class,
                queue.enqueue(CallLogJobs.ended(call(dead), true, start.plusSeconds(30), 1, "stop", "t-1")));
    }

    @Test
    void twiliosCompletedLeavesAStreamedCallToItsStreamAndFinalizesACallNoStreamCarried() throws Exception {
        String streamed = sid();
        queue.enqueueAll(CallLogJobs.started(call(streamed), "t-1"));
        await("the streamed call's log", () -> store.callLogs().find(business, streamed).isPresent());
        EnqueueResult status = queue.enqueue(FinalizeCallLogJob.DEFINITION.request(new FinalizeCallLogJob.Args(
                call(streamed), FinalizeCallLogJob.Source.TWILIO, new CallLogEnd("completed",
                Optional.of(start.plusSeconds(50)), Optional.of(50)), Optional.empty(), Optional.of("Twilio status completed")),
                business, "t-1"));
        await("Twilio's word on the streamed call", () -> "finished".equals(
                redis.commands().hget("rq:job:" + status.jobId(), "status")));
        assertFalse(store.callLogs().find(business, streamed).orElseThrow().finalized(),
                "the stream (or the sweep) says how a streamed call ended");

        String unanswered = sid();
        CallLogStart outbound = new CallLogStart(business, unanswered, "outbound", Optional.of("+5511999990000"),
                Optional.of("+5511977776666"), Optional.empty(), start);
        queue.enqueue(FinalizeCallLogJob.DEFINITION.request(new FinalizeCallLogJob.Args(outbound,
                FinalizeCallLogJob.Source.TWILIO, new CallLogEnd("no-answer", Optional.of(start.plusSeconds(25)),
                Optional.of(0)), Optional.empty(), Optional.empty()), business, "t-1"));
        await("the unanswered call's log", () -> store.callLogs().find(business, unanswered)
                .map(CallLog::finalized).orElse(false));
        CallLog log = store.callLogs().find(business, unanswered).orElseThrow();
        assertEquals(Optional.of("no-answer"), log.outcome());
        assertEquals("outbound", log.direction());
        assertEquals(Optional.of(0), log.durationSeconds());
    }

    @Test
    void aCallJobForAnotherBusinessThanItsOwnFailsAtOnce() throws Exception {
        String sid = sid();
        EnqueueResult smuggled = queue.enqueue(JobRequest.of("create_call_log_job", "default",
                CallLogJobs.started(call(sid), "t").getFirst().kwargs(), "biz-other", "t"));
        await("the job to fail", () -> "failed".equals(redis.commands().hget("rq:job:" + smuggled.jobId(), "status")));
        assertTrue(store.callLogs().find(business, sid).isEmpty());
        assertTrue(store.callLogs().find("biz-other", sid).isEmpty());
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
