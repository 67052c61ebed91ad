package dev.switchboard.roles.calls;

import dev.switchboard.testsupport.FakeSpeechService;
import static dev.switchboard.roles.calls.TwilioMediaClient.event;
import static dev.switchboard.roles.calls.TwilioMediaClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisServerProcess;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Done-when of issue #11, each role in its own process: a client speaking Twilio's side of Media
 * Streams (its upgrade signed like Twilio's) calls the real calls process; a worker process and a
 * scheduler process run beside it, PostgreSQL and Redis are real, speech-to-text is the fake
 * Google server. The call is greeted, the scripted transcript gets an answer spoken back,
 * {@code stop} ends it, and the call log in PostgreSQL has the turns, the duration and the outcome.
 * And when the calls process is killed ({@code kill -9}) mid-call, the call is later finalized as
 * interrupted by a job, not lost.
 */
class CallLogEndToEndTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    private static final String TOKEN = "e2e-twilio-auth-token-0123456789abcdef";
    private static final String PUBLIC = "wss://calls.example.com";
    private static final String JOB_ID_SECRET = "e2e-job-id-secret-0123456789abcdef-01";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static RedisServerProcess redis;
    private static ChildJvm worker;
    private static ChildJvm scheduler;
    private static FakeSpeechService speech;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.startOnFreePort();
        speech = new FakeSpeechService("What are your opening hours?", 4000);
        http = HttpClient.newHttpClient();
        worker = ChildJvm.start("dev.switchboard.roles.worker.WorkerRole", env("SERVICE_ROLE", "worker",
                "DATABASE_URL", postgres.databaseUrl(), "RQ_QUEUES", "high,default,maintenance"));
        // The schedule runs 60 times faster: the every-minute sweep comes every second.
        scheduler = ChildJvm.start("dev.switchboard.roles.scheduler.SchedulerRole", env("SERVICE_ROLE", "scheduler",
                "SCHEDULER_TIME_SCALE", "60", "SCHEDULER_TICK", "250ms", "SCHEDULER_LEASE_TTL", "2s",
                "SCHEDULER_CATCHUP", "5m"));
        worker.awaitOutput("worker's services", WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {scheduler, worker, speech, redis, http}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", redis.url(), "JOB_ID_SECRET", JOB_ID_SECRET,
                "LOG_FORMAT", "text"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static ChildJvm callsProcess(int port) {
        ChildJvm calls = ChildJvm.start("dev.switchboard.roles.calls.CallsRole", env("SERVICE_ROLE", "calls",
                "PORT", Integer.toString(port), "TWILIO_NUMBERS", "+5511999990000:biz-1",
                "GOOGLE_SPEECH_ENDPOINT", speech.endpoint(), "TWILIO_AUTH_TOKEN", TOKEN, "CALLS_PUBLIC_URL", PUBLIC,
                "CALL_LIVENESS_TTL", "5s"));
        calls.awaitOutput("calls role listening on port " + port, WAIT);
        return calls;
    }

    private static TwilioMediaClient twilio(int port) throws Exception {
        return new TwilioMediaClient(http, port, true,
                Map.of("X-Twilio-Signature", MediaStreamSignatureTest.sign(TOKEN, PUBLIC + "/ws/twilio/media")));
    }

    @Test
    void aCallIsGreetedAnsweredEndedAndLoggedWithItsTurnsDurationAndOutcome() throws Exception {
        int port = FreePorts.next();
        String sid = "CA00000000000000000000000000e2e001";
        try (ChildJvm calls = callsProcess(port); TwilioMediaClient twilio = twilio(port)) {
            twilio.connectedAndStart(sid, "biz-1");
            List<String> marks = new ArrayList<>();
            int framesAfterGreeting = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !(marks.size() >= 3 && framesAfterGreeting > 100)) {
                twilio.silence(1);
                Thread.sleep(20);
                String m;
                while ((m = twilio.received.poll()) != null) {
                    switch (event(m)) {
                        case "media" -> {
                            assertEquals(0, payload(m).length % 160, "160-byte multiples of μ-law");
                            framesAfterGreeting += marks.isEmpty() ? 0 : 1;
                        }
                        case "mark" -> marks.add(m);
                        case "clear" -> { }
                        default -> throw new AssertionError("the server may send only media, mark, clear: " + m);
                    }
                }
            }
            assertTrue(marks.size() >= 3, "greeted, then the answer spoken sentence by sentence: " + marks.size()
                    + " marks\n" + calls.output());
            twilio.stop();
            assertEquals(1000, twilio.awaitClose(Duration.ofSeconds(10)));

            Map<String, Object> log = awaitFinalized(sid);
            assertEquals("completed", log.get("outcome"), log.toString());
            assertTrue((Integer) log.get("duration_seconds") >= 1, log.toString());
            assertNotNull(log.get("lead_id"), "the caller became a lead");
            List<String> turns = turns(sid);
            assertEquals(3, turns.size(), turns.toString());
            assertTrue(turns.get(0).startsWith("agent: Hello!"), turns.toString());
            assertEquals("caller: What are your opening hours?", turns.get(1));
            assertTrue(turns.get(2).startsWith("agent: "), turns.toString());
            assertEquals(String.join("\n", turns), log.get("transcript"));
        }
    }

    @Test
    void aCallWhoseCallsProcessIsKilledIsFinalizedAsInterruptedByALaterJob() throws Exception {
        int port = FreePorts.next();
        String sid = "CA00000000000000000000000000e2e002";
        ChildJvm calls = callsProcess(port);
        try (TwilioMediaClient twilio = twilio(port)) {
            twilio.connectedAndStart(sid, "biz-1");
            long deadline = System.nanoTime() + WAIT.toNanos();
            int frames = 0;
            // Mid-call: the greeting and the caller's words are saved, the call goes on.
            while (turns(sid).size() < 2) {
                assertTrue(System.nanoTime() < deadline, "turns saved while the call streams:\n" + calls.output()
                        + "\n--- worker:\n" + worker.output());
                for (int i = 0; i < 10; i++) {
                    twilio.silence(1);
                    Thread.sleep(20);
                    frames++;
                }
            }
            assertTrue(openCall(sid), "still open while it streams");
            calls.kill9();
            assertTrue(frames > 0);
        } finally {
            calls.close();
        }
        Map<String, Object> log = awaitFinalized(sid);
        assertEquals("interrupted", log.get("outcome"), log.toString());
        List<String> turns = turns(sid);
        assertTrue(turns.size() >= 2 && turns.get(1).equals("caller: What are your opening hours?"), turns.toString());
        assertTrue((Integer) log.get("duration_seconds") >= 0, log.toString());
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            List<JobView> finalized = new RedisJobInspection(connections, Clock.systemUTC())
                    .list(BusinessScope.of("biz-1"), JobStatus.FINISHED, "default", 0, 100).jobs().stream()
                    .filter(j -> j.name().equals("finalize_call_log_job") && sid.equals(j.kwargs().get("call_sid")))
                    .toList();
            assertEquals(List.of("sweep"), finalized.stream().map(j -> j.kwargs().get("source")).toList(),
                    "finalized once, by the job the sweep enqueued for the dead process's call");
        }
    }

    private static Map<String, Object> awaitFinalized(String sid) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection db = postgres.connect(); PreparedStatement q = db.prepareStatement(
                    "SELECT outcome, duration_seconds, transcript, lead_id::text AS lead_id, ended_at, started_at"
                            + " FROM call_logs WHERE business_id = 'biz-1' AND call_sid = ? AND ended_at IS NOT NULL")) {
                q.setString(1, sid);
                try (ResultSet row = q.executeQuery()) {
                    if (row.next()) {
                        Map<String, Object> log = new HashMap<>();
                        log.put("outcome", row.getString("outcome"));
                        log.put("duration_seconds", row.getInt("duration_seconds"));
                        log.put("transcript", row.getString("transcript"));
                        log.put("lead_id", row.getString("lead_id"));
                        log.put("ended_at", row.getObject("ended_at", OffsetDateTime.class));
                        return log;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("call " + sid + " not finalized within " + WAIT + "\n--- worker:\n" + worker.output()
                + "\n--- scheduler:\n" + scheduler.output());
    }

    private static boolean openCall(String sid) throws SQLException {
        try (Connection db = postgres.connect(); PreparedStatement q = db.prepareStatement(
                "SELECT 1 FROM call_logs WHERE business_id = 'biz-1' AND call_sid = ? AND ended_at IS NULL")) {
            q.setString(1, sid);
            try (ResultSet row = q.executeQuery()) {
                return row.next();
            }
        }
    }

    private static List<String> turns(String sid) throws SQLException {
        try (Connection db = postgres.connect(); PreparedStatement q = db.prepareStatement(
                "SELECT t.speaker || ': ' || t.text FROM call_turns t JOIN call_logs c"
                        + " ON c.business_id = t.business_id AND c.id = t.call_log_id"
                        + " WHERE c.business_id = 'biz-1' AND c.call_sid = ? ORDER BY t.seq")) {
            q.setString(1, sid);
            List<String> turns = new ArrayList<>();
            try (ResultSet row = q.executeQuery()) {
                while (row.next()) {
                    turns.add(row.getString(1));
                }
            }
            return turns;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of();   // the worker has not migrated the schema yet
            }
            throw e;
        }
    }
}
