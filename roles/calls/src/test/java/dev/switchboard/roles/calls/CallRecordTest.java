package dev.switchboard.roles.calls;

import dev.switchboard.testsupport.FakeSpeechService;
import static dev.switchboard.roles.calls.TwilioMediaClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.RedisFixture;
import dev.switchboard.testsupport.RedisServerProcess;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live call's durable record leaves the calls role as jobs on Redis, never as store writes:
 * the log and the caller's lead at {@code start}, one job per turn, the finalization at the end
 * (completed after {@code stop}, interrupted otherwise), and the call marked live meanwhile. With
 * Redis down the call goes on, and its jobs arrive once Redis is back.
 */
class CallRecordTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aCallHandsItsStartItsTurnsAndItsEndToRedisAsJobs() throws Exception {
        try (FakeSpeechService speech = new FakeSpeechService("What are your opening hours?", 4000);
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = TwilioMediaClient.env(redis.url(), "GOOGLE_SPEECH_ENDPOINT", speech.endpoint());
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
                 RedisConnections connections = RedisConnections.connect(redis.url())) {
                twilio.connectedAndStart("CA-record", "biz-1");
                RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
                // Greeting, the caller's words, the agent's answer: three turns while the call streams.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (named(jobs, "save_conversation_turn_job").size() < 3 && System.nanoTime() < deadline) {
                    twilio.silence(1);
                    Thread.sleep(20);
                }
                assertEquals(1L, redis.commands().exists("switchboard:call:live:biz-1:CA-record"), "marked live");
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(WAIT));
                await(() -> named(jobs, "finalize_call_log_job").size() == 1, "the finalization");

                JobView log = named(jobs, "create_call_log_job").getFirst();
                assertEquals("CA-record", log.kwargs().get("call_sid"));
                assertEquals("+5511988887777", log.kwargs().get("from_number"));
                assertEquals(TwilioMediaClient.STREAM_SID, log.kwargs().get("stream_sid"));
                assertEquals("t-1", log.traceId(), "the voice webhook's trace");
                assertEquals(1, named(jobs, "create_lead_from_call_job").size());
                List<JobView> turns = named(jobs, "save_conversation_turn_job");
                assertEquals(List.of("agent", "caller", "agent"), turns.stream()
                        .sorted(java.util.Comparator.comparingLong(t -> ((Number) t.kwargs().get("seq")).longValue()))
                        .map(t -> t.kwargs().get("speaker")).toList());
                assertTrue(turns.stream().anyMatch(t -> "What are your opening hours?".equals(t.kwargs().get("text"))));
                JobView end = named(jobs, "finalize_call_log_job").getFirst();
                assertEquals("stream", end.kwargs().get("source"));
                assertEquals("completed", end.kwargs().get("outcome"));
                assertEquals(3, ((Number) end.kwargs().get("turns")).intValue());
                Thread.sleep(300);   // the journal hands jobs over in order: a hang-up would be right behind
                assertEquals(List.of(), hangups(jobs, "CA-record"), "the caller hung up: nothing for us to end");
                assertEquals(0, calls.droppedJobs());
            }
        }
    }

    /**
     * The caller's last words before hanging up: Google sends their final result after the stream
     * is half-closed, here 400 ms after {@code stop}. They are still the caller's turn, counted in
     * the finalization.
     */
    @Test
    void whatTheCallerSaidJustBeforeHangingUpIsStillTheirTurn() throws Exception {
        try (FakeSpeechService speech = new FakeSpeechService("What are your opening hours?", 4000)
                .lastWordsAtHalfClose("Thanks, bye.", 400);
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = TwilioMediaClient.env(redis.url(), "GOOGLE_SPEECH_ENDPOINT", speech.endpoint());
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
                 RedisConnections connections = RedisConnections.connect(redis.url())) {
                twilio.connectedAndStart("CA-lastwords", "biz-1");
                RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (named(jobs, "save_conversation_turn_job").size() < 3 && System.nanoTime() < deadline) {
                    twilio.silence(1);
                    Thread.sleep(20);
                }
                twilio.silence(10);   // the caller's last words, not settled before the hang-up
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(WAIT));
                await(() -> named(jobs, "finalize_call_log_job").size() == 1, "the finalization");
                List<String> callerSaid = named(jobs, "save_conversation_turn_job").stream()
                        .filter(t -> "caller".equals(t.kwargs().get("speaker"))).map(t -> (String) t.kwargs().get("text"))
                        .toList();
                assertTrue(callerSaid.contains("Thanks, bye."), "the last words are a turn: " + callerSaid);
                JobView end = named(jobs, "finalize_call_log_job").getFirst();
                assertEquals(named(jobs, "save_conversation_turn_job").size(), ((Number) end.kwargs().get("turns")).intValue());
            }
        }
    }

    @Test
    void aStreamThatEndsWithoutStopIsFinalizedAsInterrupted() throws Exception {
        Map<String, String> env = TwilioMediaClient.env(redis.url());
        try (HttpClient http = HttpClient.newHttpClient();
             CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
             RedisConnections connections = RedisConnections.connect(redis.url())) {
            TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
            twilio.connectedAndStart("CA-dropped", "biz-1");
            twilio.silence(3);
            RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
            await(() -> named(jobs, "create_call_log_job").size() == 1, "the call's log");
            twilio.ws.abort();
            await(() -> named(jobs, "finalize_call_log_job").size() == 1, "the finalization");
            JobView end = named(jobs, "finalize_call_log_job").getFirst();
            assertEquals("interrupted", end.kwargs().get("outcome"));
            assertTrue(String.valueOf(end.kwargs().get("reason")).contains("socket"), end.kwargs().toString());
            await(() -> hangups(jobs, "CA-dropped").size() == 1, "the hang-up of a call that ended without stop");
        }
    }

    @Test
    void aStreamTheWatchdogEndsIsHungUpAtTwilioByExactlyOneJob() throws Exception {
        Map<String, String> env = TwilioMediaClient.env(redis.url(), "CALL_MEDIA_TIMEOUT", "1s");
        try (HttpClient http = HttpClient.newHttpClient();
             CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
             RedisConnections connections = RedisConnections.connect(redis.url())) {
            TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
            twilio.connectedAndStart("CA-silent", "biz-1");
            twilio.silence(3);
            // No more media: the watchdog ends the call after CALL_MEDIA_TIMEOUT and closes the socket.
            twilio.awaitClose(WAIT);
            RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
            await(() -> hangups(jobs, "CA-silent").size() == 1, "the hang-up");
            JobView hangup = hangups(jobs, "CA-silent").getFirst();
            assertEquals("biz-1", hangup.businessId());
            assertEquals("high", hangup.queue());
            assertEquals("t-1", hangup.traceId(), "the call's trace");
            assertTrue(String.valueOf(hangup.kwargs().get("reason")).contains("no media"), hangup.kwargs().toString());
            assertEquals("interrupted", named(jobs, "finalize_call_log_job").stream()
                    .filter(j -> "CA-silent".equals(j.kwargs().get("call_sid"))).findFirst().orElseThrow()
                    .kwargs().get("outcome"));
            Thread.sleep(600);   // the reaper keeps running: it must not end (and hang up) the call again
            assertEquals(1, hangups(jobs, "CA-silent").size());
            assertEquals(0, calls.droppedJobs());
        }
    }

    /**
     * Stopping the role with 30 calls live: each is ended as interrupted, and every one of their
     * finalizations and hang-ups reaches Redis before the role lets go of it. The journal is woken
     * for its drain, not interrupted: an interrupt landing in a Redis write lost that write.
     */
    @Test
    void stoppingTheRoleHandsEveryLiveCallsEndToRedis() throws Exception {
        int n = 30;
        Map<String, String> env = TwilioMediaClient.env(redis.url());
        try (HttpClient http = HttpClient.newHttpClient();
             RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
            CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
            List<TwilioMediaClient> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true);
                    clients.add(twilio);
                    twilio.connectedAndStart("CA-stop-" + i, "biz-1");
                }
                await(() -> ofCalls(named(jobs, "create_call_log_job"), "CA-stop-").size() == n, "every call's log");
                for (TwilioMediaClient twilio : clients) {
                    twilio.silence(2);
                }
            } finally {
                calls.close();
            }
            // close() returned: whatever it handed over is in Redis now, no waiting.
            List<JobView> ends = ofCalls(named(jobs, "finalize_call_log_job"), "CA-stop-");
            assertEquals(n, ends.size(), "one finalization per call");
            assertEquals(n, ends.stream().map(j -> j.kwargs().get("call_sid")).distinct().count());
            assertTrue(ends.stream().allMatch(j -> "interrupted".equals(j.kwargs().get("outcome"))), ends.toString());
            List<JobView> hangups = ofCalls(jobs.list(BusinessScope.of("biz-1"), JobStatus.QUEUED, "high", 0, 500).jobs()
                    .stream().filter(j -> j.name().equals("hangup_call_job")).toList(), "CA-stop-");
            assertEquals(n, hangups.size(), "one hang-up per call the role ended");
            assertEquals(0, calls.droppedJobs());
        }
    }

    private static List<JobView> ofCalls(List<JobView> jobs, String sidPrefix) {
        return jobs.stream().filter(j -> String.valueOf(j.kwargs().get("call_sid")).startsWith(sidPrefix)).toList();
    }

    /** The {@code hangup_call_job}s of one call, on the {@code high} queue, of biz-1 only. */
    private static List<JobView> hangups(RedisJobInspection jobs, String callSid) {
        return jobs.list(BusinessScope.of("biz-1"), JobStatus.QUEUED, "high", 0, 500).jobs().stream()
                .filter(j -> j.name().equals("hangup_call_job") && callSid.equals(j.kwargs().get("call_sid"))).toList();
    }

    @Test
    void withRedisDownTheCallGoesOnAndItsJobsArriveWhenRedisIsBack() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startOnFreePort();
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, String> env = TwilioMediaClient.env(server.url());
            try (CallsRole calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
                 TwilioMediaClient twilio = new TwilioMediaClient(http, calls.port(), true)) {
                server.kill();
                twilio.connectedAndStart("CA-outage", "biz-1");
                int media = 0;
                for (int i = 0; i < 50; i++) {                 // one second of the call, Redis gone
                    twilio.silence(1);
                    Thread.sleep(20);
                    String m;
                    while ((m = twilio.received.poll()) != null) {
                        media += event(m).equals("media") ? 1 : 0;
                    }
                }
                assertTrue(media >= 20, "the caller is greeted all the same: " + media + " frames");
                twilio.stop();
                assertEquals(1000, twilio.awaitClose(WAIT), "and the call ends normally");

                server.start();
                try (RedisConnections connections = RedisConnections.connect(server.url())) {
                    RedisJobInspection jobs = new RedisJobInspection(connections, Clock.systemUTC());
                    await(() -> named(jobs, "finalize_call_log_job").size() == 1, "the jobs once Redis is back");
                    assertEquals(1, named(jobs, "create_call_log_job").size());
                    assertEquals("completed", named(jobs, "finalize_call_log_job").getFirst().kwargs().get("outcome"));
                }
                assertEquals(0, calls.droppedJobs());
            }
        }
    }

    private static List<JobView> named(RedisJobInspection jobs, String name) {
        return jobs.list(BusinessScope.of("biz-1"), JobStatus.QUEUED, "default", 0, 500).jobs().stream()
                .filter(j -> j.name().equals(name)).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
