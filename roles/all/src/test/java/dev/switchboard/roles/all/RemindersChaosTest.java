package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeGmail;
import dev.switchboard.testsupport.FakePushService;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import dev.switchboard.testsupport.Zlib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reminders under chaos, over scaled time: two scheduler processes (the leader stepped down by
 * SIGTERM halfway and replaced) and three worker processes, one killed with {@code kill -9} every
 * few seconds (while two serve) and restarted, while every periodic job runs against real PostgreSQL and Redis: the
 * reminder tick every minute, the session cleanup and the Gmail sync (against {@link FakeGmail})
 * every 5 minutes, the reminder cleanup at 03:00 in a business zone chosen so that 03:00 falls
 * inside the run.
 *
 * <p>Time: the schedulers and the workers' job clock run {@value #SCALE} times faster
 * ({@code SCHEDULER_TIME_SCALE}, one origin for every process), so a scaled hour takes a minute.
 * Leases, pushes, webhook signatures and stored timestamps stay real time; the test maps a real
 * instant to schedule time exactly as the processes do.
 *
 * <p>Afterwards:
 * <ul>
 *   <li>every reminder was notified exactly once per offset it is owed: 30 and 15 minutes before
 *       it is due, or only 15 for one created less than 15 minutes ahead (the push log, whose
 *       unique row is the "once", and the {@code reminder.sent} events the verifying receiver
 *       accepted);</li>
 *   <li>none early: no push log row before its moment (due minus offset) in schedule time;</li>
 *   <li>none late by more than one tick: of the {@code reminders_tick_job} runs that started
 *       once a notification was due (its moment, or its creation when that came later) and
 *       finished before it was logged, at most one did not log it (the tick a kill took). Ticks,
 *       not seconds: on a machine busy enough to start jobs seconds late, a minute of schedule
 *       is a real second, and wall-clock lateness would measure the machine rather than the
 *       reminders; the test prints it;</li>
 *   <li>every push reached the user's browser (the fake push service decrypts each one); a push
 *       arriving twice is allowed only where its job ran twice because a kill cut it short;</li>
 *   <li>the failed registry holds only the failures the test provoked: one
 *       {@code send_webhook_job} per event for the endpoint whose receiver refuses our signature
 *       (it has another secret), and nothing else.</li>
 * </ul>
 *
 * <p>The long variant: {@code -Dreminders.chaos.hours=24} runs 24 scaled hours (24 real minutes),
 * with a reminder load, kills and handovers in proportion.
 */
class RemindersChaosTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final long SCALE = 60;
    private static final int HOURS = Integer.getInteger("reminders.chaos.hours", 1);
    private static final int REMINDERS_PER_HOUR = 24;
    /** One more than must be serving: a kill then costs a lease, not a JVM start, on a busy machine. */
    private static final int WORKERS = 3;
    private static final Duration KILL_EVERY = Duration.ofSeconds(5);
    private static final String BUSINESS = "chaos-biz";
    private static final String GMAIL_TOKEN = "1//0g-chaos-refresh-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random = new Random(20261130L);
    private final List<ChildJvm> workers = new ArrayList<>();
    private final List<ChildJvm> schedulers = new ArrayList<>();
    private final List<ChildJvm> everyProcess = new ArrayList<>();
    private Map<String, String> env;
    private Instant origin;

    /** What one reminder is owed: offset (minutes) to the schedule instant it may be pushed from. */
    private record Owed(String id, String text, Instant due, Map<Integer, Instant> notBefore, Map<Integer, Instant> reference) {
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyReminderIsNotifiedOncePerOffsetOnTimeWhileWorkersDieAndSchedulersHandOver() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        String otherSecret = "whsec_" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        Duration run = Duration.ofMinutes(60L * HOURS).dividedBy(SCALE);
        long startedNanos = System.nanoTime();
        // Any instant before the processes start: every process maps real time to schedule time
        // from it. The run itself starts once they are all up (processes start slowly on a busy
        // machine); the business zone puts 03:00 about half an hour of schedule into it.
        origin = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ZoneOffset zone = threeAmAt(schedule(origin.plusSeconds(20)).plus(Duration.ofMinutes(30 * HOURS))
                .truncatedTo(ChronoUnit.MINUTES));
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start(secret);
             FakeWebhookReceiver refusing = FakeWebhookReceiver.start(otherSecret);
             FakeGmail gmail = FakeGmail.start("chaos-client.apps.googleusercontent.com", "chaos-client-secret")) {
            gmail.addMailbox(GMAIL_TOKEN, "vendas@chaos.example");
            env = new HashMap<>(Map.ofEntries(
                    Map.entry("REDIS_URL", redis.url()), Map.entry("DATABASE_URL", postgres.databaseUrl()),
                    Map.entry("DATABASE_POOL_SIZE", "4"),
                    Map.entry("SCHEDULER_TIME_SCALE", Long.toString(SCALE)),
                    Map.entry("SCHEDULER_TIME_ORIGIN", origin.toString()),
                    Map.entry("SCHEDULER_TICK", "200ms"), Map.entry("SCHEDULER_LEASE_TTL", "1s"),
                    Map.entry("SCHEDULER_ZONE", zone.getId()),
                    Map.entry("WORKER_LEASE", "1s"), Map.entry("WORKER_CONCURRENCY", "4"),
                    Map.entry("WORKER_GRACE", "2s"),
                    // A job cut short by several kills in a row is not a poison job here.
                    Map.entry("WORKER_MAX_LEASE_EXPIRIES", "10"),
                    Map.entry("OUTBOUND_ALLOW_PRIVATE", "true"), Map.entry("OUTBOUND_ALLOW_HTTP", "true"),
                    Map.entry("VAPID_SUBJECT", "mailto:ops@chaos.example"),
                    Map.entry("GMAIL_CLIENT_ID", "chaos-client.apps.googleusercontent.com"),
                    Map.entry("GMAIL_CLIENT_SECRET", "chaos-client-secret"),
                    Map.entry("GMAIL_API_URL", gmail.apiBase()), Map.entry("GMAIL_TOKEN_URL", gmail.tokenUri()),
                    Map.entry("LOG_LEVEL", "WARN")));
            try {
                for (int i = 0; i < WORKERS; i++) {
                    workers.add(start("worker"));
                }
                for (int i = 0; i < 2; i++) {
                    schedulers.add(start("scheduler"));
                }
                await("the schema and the VAPID key pair", Duration.ofSeconds(120), () -> tableExists("reminders")
                        && redis.commands().get("switchboard:vapid_keys") != null);
                for (ChildJvm process : schedulers) {
                    process.awaitOutput("SCHEDULER_TIME_SCALE=" + SCALE, Duration.ofSeconds(120));
                }
                await("the workers to serve", Duration.ofSeconds(180), () -> workers.stream().allMatch(this::serving));
                await("the schedulers to lead", Duration.ofSeconds(30),
                        () -> redis.commands().get("scheduler:global_lock") != null);
                String vapidPublic = JSON.readTree(redis.commands().get("switchboard:vapid_keys")).path("public").asText();
                try (FakePushService push = FakePushService.start(vapidPublic)) {
                    List<Owed> owed = new ArrayList<>();
                    Instant runStart = Instant.now();
                    seed(push, receiver.url(), secret, refusing.url(), otherSecret, owed, schedule(runStart));
                    gmail.deliver(GMAIL_TOKEN, "Maria <maria@chaos.example>", "Before the run", List.of("INBOX"));

                    Chaos chaos = runChaos(runStart, run, owed, gmail);
                    stopAll(schedulers);
                    await("every queued job to run", Duration.ofSeconds(60), this::drained);
                    Thread.sleep(1000);
                    stopAll(workers);

                    try {
                        verify(owed, push, receiver, refusing, chaos, zone, startedNanos);
                    } catch (AssertionError e) {
                        printOutputs();
                        throw e;
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                printOutputs();
                throw e;
            } finally {
                everyProcess.forEach(ChildJvm::close);
            }
        }
    }

    /** The last lines of every process of the run, for a failure's report. */
    private void printOutputs() {
        for (ChildJvm p : everyProcess) {
            String out = p.output();
            System.out.println("--- process " + p.pid() + (p.isAlive() ? " (alive)" : " (exited)") + " ---\n"
                    + out.substring(Math.max(0, out.length() - 3000)));
        }
    }

    private record Chaos(int kills, int handovers) {
    }

    /** Kills a worker every few seconds, hands the scheduler lead over halfway, adds late reminders. */
    private Chaos runChaos(Instant runStart, Duration run, List<Owed> owed, FakeGmail gmail) throws Exception {
        Instant end = runStart.plus(run);
        int kills = 0;
        int handovers = 0;
        Instant nextKill = runStart.plus(KILL_EVERY);
        Instant nextHandover = runStart.plus(run.dividedBy(2L * HOURS));
        Instant nextLateReminders = runStart.plus(Duration.ofMinutes(20).dividedBy(SCALE));
        while (Instant.now().isBefore(end)) {
            Instant now = Instant.now();
            // A kill needs two workers serving, so one always is while the victim's replacement
            // starts (slowly, on a busy machine): the test is about the reminders, not start-up time.
            List<Integer> serving = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                if (serving(workers.get(i))) {
                    serving.add(i);
                }
            }
            if (!now.isBefore(nextKill) && serving.size() >= 2) {
                int victim = serving.get(random.nextInt(serving.size()));
                workers.get(victim).kill9();
                kills++;
                workers.set(victim, start("worker"));
                nextKill = Instant.now().plus(KILL_EVERY);
            }
            if (!now.isBefore(nextHandover)) {
                // SIGTERM steps the leader down (compare-and-delete); the standby leads at its next tick.
                ChildJvm leaving = leader().orElse(schedulers.getFirst());
                schedulers.remove(leaving);
                leaving.terminate();
                leaving.waitFor(Duration.ofSeconds(20));
                schedulers.add(start("scheduler"));
                handovers++;
                nextHandover = nextHandover.plus(run.dividedBy(HOURS));
            }
            if (!now.isBefore(nextLateReminders) && schedule(now).plus(Duration.ofMinutes(25)).isBefore(schedule(end))) {
                // Created 10 and 20 minutes before they are due: one push, and two.
                try (Connection db = postgres.connect()) {
                    owed.add(reminder(db, "late-10-" + owed.size(), schedule(Instant.now()).plus(Duration.ofMinutes(10))));
                    owed.add(reminder(db, "late-20-" + owed.size(), schedule(Instant.now()).plus(Duration.ofMinutes(20))));
                }
                gmail.deliver(GMAIL_TOKEN, "maria@chaos.example", "During the run " + owed.size(), List.of("INBOX"));
                nextLateReminders = nextLateReminders.plus(Duration.ofMinutes(30).dividedBy(SCALE));
            }
            Thread.sleep(50);
        }
        return new Chaos(kills, handovers);
    }

    private void verify(List<Owed> owed, FakePushService push, FakeWebhookReceiver receiver,
                        FakeWebhookReceiver refusing, Chaos chaos, ZoneOffset zone, long startedNanos) throws Exception {
        Map<String, Owed> byId = new HashMap<>();
        owed.forEach(o -> byId.put(o.id(), o));
        Map<String, Instant> logged = new TreeMap<>(); // "<reminder>/<offset>" -> sent_at (real)
        try (Connection db = postgres.connect();
             ResultSet row = db.createStatement().executeQuery(
                     "SELECT reminder_id::text AS id, offset_minutes, sent_at FROM reminder_push_log")) {
            while (row.next()) {
                logged.put(row.getString("id") + "/" + row.getInt("offset_minutes"), row.getTimestamp("sent_at").toInstant());
            }
        }
        Map<String, Instant> expected = new TreeMap<>();
        owed.forEach(o -> o.notBefore().keySet().forEach(offset -> expected.put(o.id() + "/" + offset, o.due())));
        // Each reminders_tick_job run that finished: when it started (what it judged "now" by,
        // in schedule time) and when it ended (real time).
        List<Instant[]> ticks = new ArrayList<>();
        for (String key : redis.commands().keys("rq:job:reminders_tick_job@*")) {
            Map<String, String> job = redis.commands().hgetall(key);
            if ("finished".equals(job.get("status")) && !job.getOrDefault("started_at", "").isEmpty()) {
                ticks.add(new Instant[] {Instant.parse(job.get("started_at")), Instant.parse(job.get("ended_at"))});
            }
        }
        List<String> early = new ArrayList<>();
        List<String> late = new ArrayList<>();
        long maxLatenessSeconds = 0;
        long lateByATick = 0;
        for (Map.Entry<String, Instant> entry : logged.entrySet()) {
            String[] key = entry.getKey().split("/");
            Owed o = byId.get(key[0]);
            int offset = Integer.parseInt(key[1]);
            Instant sent = entry.getValue();
            Instant at = schedule(sent);
            if (o == null || !o.notBefore().containsKey(offset)) {
                continue; // reported below as unexpected
            }
            if (at.isBefore(o.notBefore().get(offset))) {
                early.add(entry.getKey() + " at " + at + ", before " + o.notBefore().get(offset));
            }
            Instant owedFrom = o.reference().get(offset);
            maxLatenessSeconds = Math.max(maxLatenessSeconds, Duration.between(owedFrom, at).toSeconds());
            // Ticks that judged the notification due and finished before it was logged, without
            // logging it: the one a kill took can be followed by one more, not two.
            long passedBy = ticks.stream().filter(t -> !schedule(t[0]).isBefore(owedFrom) && t[1].isBefore(sent)).count();
            if (passedBy == 1) {
                lateByATick++;
            }
            if (passedBy > 1) {
                late.add(entry.getKey() + ": " + passedBy + " ticks finished after it was due (" + owedFrom
                        + ") before it was pushed (" + at + ")");
            }
        }
        // The pushes the browsers got: reminder text and offset per browser. A reminder's push asks
        // the push service to keep it until the reminder is due (the time left when its job ran),
        // so its TTL is at most its offset: over 15 minutes is the 30-minute push (a job delayed by
        // more than 15 scaled minutes, 15 s real, would be misread; the lateness checks catch that).
        Map<String, Integer> arrivals = new TreeMap<>();
        for (FakePushService.Received r : push.received()) {
            String title = JSON.readTree(r.plaintext()).path("title").asText();
            int offset = r.ttl() > 15 * 60 ? 30 : 15;
            arrivals.merge(title + "/" + offset + "/" + r.subscriptionId(), 1, Integer::sum);
        }
        Map<String, Integer> rerunPushJobs = rerunPushJobs();
        List<String> unexplainedRepeats = new ArrayList<>();
        arrivals.forEach((key, n) -> {
            if (n > 1 && rerunPushJobs.getOrDefault(key, 1) < n) {
                unexplainedRepeats.add(key + " x" + n);
            }
        });
        List<String> undelivered = new ArrayList<>();
        for (Owed o : owed) {
            for (int offset : o.notBefore().keySet()) {
                for (String browser : subscriptions()) {
                    if (!arrivals.containsKey(o.text() + "/" + offset + "/" + browser)) {
                        undelivered.add(o.text() + "/" + offset + " to " + browser);
                    }
                }
            }
        }

        // reminder.sent at the verifying receiver: one event per reminder and offset.
        Map<String, Integer> events = new TreeMap<>();
        for (String body : receiver.accepted().values()) {
            JsonNode data = JSON.readTree(body).path("data");
            events.merge(data.path("reminder_id").asText() + "/" + data.path("minutes_before").asInt(), 1, Integer::sum);
        }

        // The failed registry: only the deliveries to the receiver that refuses our signature.
        Map<String, Long> failed = new TreeMap<>();
        List<String> unprovoked = new ArrayList<>();
        for (String queue : List.of("high", "default", "low", "maintenance", "broadcasts", "recordings")) {
            for (String id : redis.commands().zrange("rq:failed:" + queue, 0, -1)) {
                JsonNode call = jobCall(id);
                String name = call.path(0).asText().replace("switchboard.jobs.", "");
                failed.merge(name, 1L, Long::sum);
                boolean provoked = name.equals("send_webhook_job")
                        && call.path(3).path("endpoint_id").asText().equals(refusingEndpoint);
                if (!provoked) {
                    unprovoked.add(queue + " " + id + " " + name + ": "
                            + redis.commands().hget("rq:job:" + id, "exc_info"));
                }
            }
        }
        long emails;
        String gmailState;
        try (Connection db = postgres.connect()) {
            ResultSet row = db.createStatement().executeQuery(
                    "SELECT count(*) FROM messages WHERE business_id = '" + BUSINESS + "' AND channel = 'email'");
            row.next();
            emails = row.getLong(1);
            ResultSet connection = db.createStatement().executeQuery(
                    "SELECT status, coalesce(last_error, '') AS e, last_synced_at IS NOT NULL AS synced FROM gmail_connections");
            connection.next();
            gmailState = connection.getString("status") + connection.getString("e") + connection.getBoolean("synced");
        }
        long periodic = redis.commands().keys("job_lock:*@*").size();

        System.out.printf("""
                reminders chaos: %d scaled hour(s) at x%d in %d s real; zone %s
                  %d worker kills (kill -9), %d scheduler handovers (SIGTERM), %d processes; %d periodic slots enqueued
                  reminders %d, notifications owed %d, logged %d; early %d, late by more than one tick %d,
                    late by one tick %d (a kill took the tick that owed it); %d ticks ran;
                    longest from due to pushed: %d s of schedule time (%d ms real)
                  pushes received %d (%d repeats, all of jobs a kill cut short), undelivered %d
                  reminder.sent accepted %d; failed jobs %s (provoked: %d deliveries to the refusing endpoint)
                  Gmail: %d mails attached, connection %s
                """, HOURS, SCALE, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos), zone,
                chaos.kills(), chaos.handovers(), everyProcess.size(), periodic,
                owed.size(), expected.size(), logged.size(), early.size(), late.size(), lateByATick, ticks.size(),
                maxLatenessSeconds, maxLatenessSeconds * 1000 / SCALE,
                push.received().size(), push.received().size() - arrivals.size(), undelivered.size(), events.size(), failed,
                refusing.attempts().size(), emails, gmailState);

        assertEquals(expected.keySet(), logged.keySet(), "every reminder notified once per offset it is owed, nothing else");
        assertEquals(List.of(), early, "none early");
        assertEquals(List.of(), late, "none late by more than one tick");
        assertEquals(List.of(), undelivered, "every push reached every browser of its user");
        assertEquals(List.of(), unexplainedRepeats, "a push arrives twice only when a kill made its job run twice");
        assertEquals(expected.keySet(), events.keySet(), "reminder.sent once per reminder and offset");
        assertTrue(events.values().stream().allMatch(n -> n == 1), "one event id per reminder and offset: " + events);
        assertEquals(List.of(), unprovoked, "the failed registry holds only the failures the test provoked");
        assertEquals(Map.of("send_webhook_job", (long) expected.size()), failed,
                "each event to the refusing endpoint failed once, permanently (401 is final)");
        assertTrue(chaos.kills() >= 4 * HOURS, "the workers were killed: " + chaos.kills());
        assertTrue(emails >= 2, "the Gmail sync ran through the chaos: " + emails + " mails");
        assertEquals("activetrue", gmailState, "the mailbox syncs without error");
        List<String> cleanups = redis.commands().keys("job_lock:reminders_cleanup_job@*").stream()
                .map(k -> k.substring("job_lock:".length()).replace(":", "")).toList();
        if (HOURS < 24) {
            assertEquals(1, cleanups.size(), "03:00 in the business zone came once: " + cleanups);
        } else {
            assertTrue(cleanups.size() >= HOURS / 24, "03:00 came every day: " + cleanups);
        }
        assertTrue(cleanups.stream().allMatch(id -> "finished".equals(redis.commands().hget("rq:job:" + id, "status"))),
                "the daily cleanup ran: " + cleanups);
    }

    private String refusingEndpoint;
    private final List<String> browsers = new ArrayList<>();

    private List<String> subscriptions() {
        return browsers;
    }

    /** The business, its users' browsers, the two webhook endpoints, a lead with a mailbox, the reminders. */
    private void seed(FakePushService push, String receiverUrl, String secret, String refusingUrl, String otherSecret,
                      List<Owed> owed, Instant scheduleStart) throws SQLException {
        try (Connection db = postgres.connect()) {
            db.createStatement().execute("INSERT INTO businesses (id, name) VALUES ('" + BUSINESS + "', 'Chaos Ltd')");
            FakePushService.Subscription browser = push.subscribe();
            browsers.add(browser.id());
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO push_subscriptions (business_id, user_id,"
                    + " endpoint, p256dh, auth) VALUES (?, 'ana', ?, ?, ?)")) {
                insert.setString(1, BUSINESS);
                insert.setString(2, browser.endpoint());
                insert.setString(3, browser.p256dh());
                insert.setString(4, browser.auth());
                insert.executeUpdate();
            }
            endpoint(db, receiverUrl, secret);
            // Signed with our secret, received by a receiver that knows only another: 401, every time.
            refusingEndpoint = endpoint(db, refusingUrl, secret);
            db.createStatement().execute("INSERT INTO leads (business_id, phone, email, name, source) VALUES ('"
                    + BUSINESS + "', '+5511999990000', 'maria@chaos.example', 'Maria', 'api')");
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO gmail_connections (business_id, email, refresh_token) VALUES (?, 'vendas@chaos.example', ?)")) {
                insert.setString(1, BUSINESS);
                insert.setString(2, GMAIL_TOKEN);
                insert.executeUpdate();
            }
            // Due between 31 minutes after the start and 13 minutes before the end: both offsets
            // fall inside the run.
            long first = Duration.ofMinutes(31).toSeconds();
            long last = Duration.ofMinutes(60L * HOURS - 13).toSeconds();
            for (int i = 0; i < REMINDERS_PER_HOUR * HOURS; i++) {
                owed.add(reminder(db, "reminder-" + i, scheduleStart.plusSeconds(first + random.nextLong(last - first))));
            }
        }
    }

    private static String endpoint(Connection db, String url, String secret) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO webhook_endpoints (business_id, url, events, secret)"
                + " VALUES (?, ?, '{reminder.sent}', ?) RETURNING id::text")) {
            insert.setString(1, BUSINESS);
            insert.setString(2, url);
            insert.setString(3, secret);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /** Stores a reminder for user ana and what it is owed, by ReminderPushes' rule, from now on. */
    private Owed reminder(Connection db, String text, Instant due) throws SQLException {
        Instant created = schedule(Instant.now());
        String id;
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO reminders (business_id, user_id, due_at, text)"
                + " VALUES (?, 'ana', ?, ?) RETURNING id::text")) {
            insert.setString(1, BUSINESS);
            insert.setTimestamp(2, Timestamp.from(due));
            insert.setString(3, text);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                id = row.getString(1);
            }
        }
        // Each offset whose moment is still ahead, plus the latest one whose moment has passed
        // (pushed at once: "in 20 minutes"); earlier passed ones are skipped, never sent in a burst.
        Map<Integer, Instant> notBefore = new LinkedHashMap<>();
        Map<Integer, Instant> reference = new LinkedHashMap<>();
        Integer latestPassed = null;
        for (int offset : List.of(30, 15)) {
            Instant moment = due.minus(Duration.ofMinutes(offset));
            if (moment.isAfter(created)) {
                notBefore.put(offset, moment);
                reference.put(offset, moment);
            } else {
                latestPassed = offset;
            }
        }
        if (latestPassed != null) {
            notBefore.put(latestPassed, due.minus(Duration.ofMinutes(latestPassed)));
            reference.put(latestPassed, created);
        }
        return new Owed(id, text, due, notBefore, reference);
    }

    /**
     * Per "title/offset/browser", how many times its per-browser push job was claimed: a job a
     * kill cut short after the push service took the push runs again and pushes again.
     */
    private Map<String, Integer> rerunPushJobs() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (String key : redis.commands().keys("rq:job:*")) {
            String id = key.substring("rq:job:".length());
            JsonNode call = jobCall(id);
            if (!call.path(0).asText().endsWith("push_send_job") || !call.path(3).hasNonNull("subscription_id")) {
                continue;
            }
            String browser = endpointIdOf(call.path(3).path("subscription_id").asText());
            String title = call.path(3).path("title").asText();
            long ttl = call.path(3).path("ttl_seconds").asLong();
            int attempts = Integer.parseInt(redis.commands().hget(key, "attempts") == null ? "1"
                    : redis.commands().hget(key, "attempts"));
            out.merge(title + "/" + (ttl / 60) + "/" + browser, attempts, Integer::sum);
        }
        return out;
    }

    private final Map<String, String> browserOfSubscription = new HashMap<>();

    /** The fake push service's browser id of a stored subscription (the last path segment of its endpoint). */
    private String endpointIdOf(String subscriptionId) throws SQLException {
        String cached = browserOfSubscription.get(subscriptionId);
        if (cached != null) {
            return cached;
        }
        try (Connection db = postgres.connect();
             PreparedStatement query = db.prepareStatement("SELECT endpoint FROM push_subscriptions WHERE id = ?::uuid")) {
            query.setString(1, subscriptionId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                String endpoint = row.getString(1);
                String browser = endpoint.substring(endpoint.lastIndexOf('/') + 1);
                browserOfSubscription.put(subscriptionId, browser);
                return browser;
            }
        }
    }

    /** The job's {@code [func_name, null, args, kwargs]}, from its zlib-compressed {@code data}. */
    private static JsonNode jobCall(String jobId) throws Exception {
        byte[] data = redis.binaryCommands().hget("rq:job:" + jobId, "data");
        if (data == null) {
            return JSON.createArrayNode();
        }
        byte[] json;
        try {
            json = Zlib.inflate(data);
        } catch (IllegalArgumentException notCompressed) {
            json = data;
        }
        return JSON.readTree(new String(json, StandardCharsets.UTF_8));
    }

    /** Whether the worker process has registered (python-rq's worker set: {@code <host>.<pid>.<random>}). */
    private boolean serving(ChildJvm worker) {
        String pid = "." + worker.pid() + ".";
        return worker.isAlive() && redis.commands().smembers("rq:workers").stream().anyMatch(w -> w.contains(pid));
    }

    /** The scheduler process holding the lease: its owner id is {@code <host>.<pid>.<random>}. */
    private java.util.Optional<ChildJvm> leader() {
        String owner = redis.commands().get("scheduler:global_lock");
        if (owner == null) {
            return java.util.Optional.empty();
        }
        String[] parts = owner.split("\\.");
        String pid = parts.length >= 2 ? parts[parts.length - 2] : "";
        return schedulers.stream().filter(s -> Long.toString(s.pid()).equals(pid)).findFirst();
    }

    private boolean drained() {
        for (String queue : List.of("high", "default", "low", "maintenance")) {
            if (redis.commands().llen("rq:queue:" + queue) > 0 || redis.commands().zcard("rq:wip:" + queue) > 0
                    || redis.commands().zcard("rq:scheduled:" + queue) > 0) {
                return false;
            }
        }
        return true;
    }

    private boolean tableExists(String table) {
        try (Connection db = postgres.connect();
             ResultSet row = db.createStatement().executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            row.next();
            return row.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private ChildJvm start(String role) {
        Map<String, String> roleEnv = new HashMap<>(env);
        roleEnv.put("SERVICE_ROLE", role);
        if (role.equals("scheduler")) {
            roleEnv.put("LOG_LEVEL", "INFO"); // a line per enqueued slot: what a failure report needs
        }
        ChildJvm jvm = ChildJvm.start(Switchboard.class.getName(), roleEnv);
        everyProcess.add(jvm);
        return jvm;
    }

    private static void stopAll(List<ChildJvm> processes) {
        processes.forEach(ChildJvm::terminate);
        processes.forEach(p -> p.waitFor(Duration.ofSeconds(30)));
    }

    /** A real instant on the schedule's clock, as every process of the test computes it. */
    private Instant schedule(Instant real) {
        return origin.plus(Duration.between(origin, real).multipliedBy(SCALE));
    }

    /** The zone whose 03:00 is {@code instant} (to the minute), so the daily cleanup falls in the run. */
    private static ZoneOffset threeAmAt(Instant instant) {
        long secondOfDay = Math.floorMod(instant.getEpochSecond(), 86_400);
        long offset = Math.floorMod(3 * 3600 - secondOfDay, 86_400);
        if (offset > 12 * 3600) {
            offset -= 86_400;
        }
        return ZoneOffset.ofTotalSeconds((int) offset);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
