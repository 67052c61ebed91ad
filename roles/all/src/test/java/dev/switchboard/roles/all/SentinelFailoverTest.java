package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.roles.cli.JobsCli;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisSentinelCluster;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The roles on Redis Sentinel through a failover under load: a primary, a replica and three
 * sentinels ({@code redis-server --sentinel}); an api, two workers and two schedulers, each its
 * own process, on {@code REDIS_URL=redis-sentinel://...} with {@code REDIS_WAIT_REPLICAS=1};
 * customers' WhatsApp messages arriving steadily, each retried on 503 after its
 * {@code Retry-After} as the gateway does. Mid-load the primary is failed over
 * ({@code SENTINEL FAILOVER}). Then:
 * <ul>
 *   <li>webhooks got 503 with {@code Retry-After} during the switch and 200 after it;</li>
 *   <li>no accepted job is lost: every webhook answered 200 has its job finished on the new
 *       primary, and its message stored once in PostgreSQL;</li>
 *   <li>the schedulers keep one leader, and every minute slot between the first and the last
 *       tick exists once (none missing, none logged as new twice);</li>
 *   <li>the same worker processes carry on after the switch, re-registered on the new primary,
 *       without being restarted.</li>
 * </ul>
 * The counts are printed. The schedule runs {@value #SCALE} times faster (a minute slot per second).
 */
class SentinelFailoverTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String WEBHOOK_SECRET = "webhook-secret-for-the-sentinel-test-0123456789";
    private static final String GATEWAY_SECRET = "gateway-secret-for-the-sentinel-test-0123456789";
    private static final String BUSINESS = "t_sentinel";
    private static final long SCALE = 60;
    private static final Duration MESSAGE_EVERY = Duration.ofMillis(80);
    private static final Pattern WORKER_NAME = Pattern.compile("worker (\\S+) serving \\[");
    private static final Pattern NEW_SLOT = Pattern.compile("Enqueued (\\S+) \\(new\\)");
    private static final DateTimeFormatter SLOT_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger withoutRetryAfter = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private volatile Instant switchedAt = Instant.MAX;
    private int port;

    /** One customer message: when it was first sent, its attempts, and the job id once accepted. */
    static final class Delivery {
        final Instant firstSent = Instant.now();
        volatile int attempts;
        volatile int refused;
        volatile String jobId;
        volatile Instant acceptedAt;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void rolesRideOutAPrimaryFailoverWithoutLosingAnAcceptedJob() throws Exception {
        long started = System.nanoTime();
        List<ChildJvm> processes = new ArrayList<>();
        try (RedisSentinelCluster redis = RedisSentinelCluster.start(1, 3);
             FakeWhatsAppGateway gateway = FakeWhatsAppGateway.start(GATEWAY_SECRET, Set.of(BUSINESS))) {
            port = FreePorts.next();
            Instant origin = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            int oldPrimary = redis.primaryPort();
            redis.commands(oldPrimary).set("scheduler:last_tick", origin.toString());
            Map<String, String> env = new HashMap<>(Map.ofEntries(
                    Map.entry("REDIS_URL", redis.url()),
                    Map.entry("REDIS_WAIT_REPLICAS", "1"),
                    Map.entry("REDIS_WAIT_TIMEOUT", "500ms"),
                    Map.entry("DATABASE_URL", postgres.databaseUrl()),
                    Map.entry("PORT", Integer.toString(port)),
                    Map.entry("INTERNAL_WEBHOOK_SECRET", WEBHOOK_SECRET),
                    Map.entry("BUSINESS_RATE_LIMIT", "0"),
                    Map.entry("WHATSAPP_GATEWAY_URL", gateway.url()),
                    Map.entry("WHATSAPP_GATEWAY_SECRET", GATEWAY_SECRET),
                    Map.entry("WORKER_LEASE", "3s"),
                    Map.entry("WORKER_CONCURRENCY", "4"),
                    Map.entry("SCHEDULER_TICK", "250ms"),
                    Map.entry("SCHEDULER_LEASE_TTL", "2s"),
                    Map.entry("SCHEDULER_CATCHUP", "72h"),
                    Map.entry("SCHEDULER_TIME_SCALE", Long.toString(SCALE)),
                    Map.entry("SCHEDULER_TIME_ORIGIN", origin.toString())));
            ChildJvm api = start(processes, env, "api");
            List<ChildJvm> workers = List.of(start(processes, env, "worker"), start(processes, env, "worker"));
            List<ChildJvm> schedulers = List.of(start(processes, env, "scheduler"), start(processes, env, "scheduler"));
            api.awaitOutput("api role listening on port " + port, Duration.ofSeconds(90));
            Set<String> workerNames = new TreeSet<>();
            for (ChildJvm worker : workers) {
                worker.awaitOutput(" serving [", Duration.ofSeconds(90));
                Matcher m = WORKER_NAME.matcher(worker.output());
                assertTrue(m.find(), worker.output());
                workerNames.add(m.group(1));
            }
            awaitLeader(schedulers, Duration.ofSeconds(60));
            long ready = System.nanoTime();

            // Load: a new customer message every 80 ms, each delivered until accepted.
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            Thread load = Thread.ofPlatform().name("sentinel-test-load").start(() -> {
                int n = 0;
                while (sending.get()) {
                    String messageId = "3EB0SENT" + String.format("%05d", n);
                    String phone = "55119" + String.format("%08d", n++);
                    synchronized (senders) {
                        senders.add(Thread.ofVirtual().start(() -> deliverUntilAccepted(messageId, phone)));
                    }
                    sleep(MESSAGE_EVERY.toMillis());
                }
            });
            awaitAccepted(40, Duration.ofSeconds(60));
            int acceptedBefore = acceptedCount();

            long failoverStarted = System.nanoTime();
            redis.failover();
            int newPrimary = redis.awaitFailoverFrom(oldPrimary, Duration.ofSeconds(60));
            switchedAt = Instant.now();
            long switchMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failoverStarted);
            awaitAcceptedAfterSwitch(40, Duration.ofSeconds(60));
            sending.set(false);
            load.join();
            synchronized (senders) {
                for (Thread sender : senders) {
                    sender.join(Duration.ofSeconds(60));
                }
            }
            RedisCommands<String, String> primary = redis.commands(newPrimary);

            // Every accepted webhook's job finishes on the new primary.
            Map<String, String> statuses = awaitFinished(primary, Duration.ofSeconds(90));
            // The schedulers are still one leader that keeps ticking; let it pass a few slots more.
            Instant tickAfterSwitch = awaitTicksOnNewPrimary(primary, Duration.ofSeconds(45));
            String leader = primary.get("scheduler:global_lock");
            // The CLI over Sentinel: what operators would look at now.
            JsonNode info = JSON.readTree(jobs(redis.url(), "info", "--json"));
            for (ChildJvm scheduler : schedulers) {
                scheduler.terminate();
            }
            for (ChildJvm scheduler : schedulers) {
                scheduler.waitFor(Duration.ofSeconds(30));
            }
            Instant lastTick = Instant.parse(primary.get("scheduler:last_tick"));

            // Slots: every minute slot after the origin up to the last tick exists, and none was new twice.
            Set<String> expectedSlots = minuteSlots(origin, lastTick);
            Set<String> missingSlots = new TreeSet<>();
            for (String slot : expectedSlots) {
                if (primary.exists("rq:job:" + slot) == 0) {
                    missingSlots.add(slot);
                }
            }
            Map<String, Integer> newSlotLogs = new TreeMap<>();
            int leaderships = 0;
            for (ChildJvm scheduler : schedulers) {
                Matcher m = NEW_SLOT.matcher(scheduler.output());
                while (m.find()) {
                    newSlotLogs.merge(m.group(1), 1, Integer::sum);
                }
                leaderships += count(scheduler.output(), "Took the leader lease as ");
            }
            List<String> slotsNewTwice = newSlotLogs.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey).toList();

            // PostgreSQL: each accepted message stored once.
            Set<String> acceptedMessages = new TreeSet<>();
            deliveries.forEach((id, d) -> {
                if (d.jobId != null) {
                    acceptedMessages.add(id);
                }
            });
            long storedMessages;
            long distinctStored;
            try (Connection db = postgres.connect();
                 PreparedStatement q = db.prepareStatement("SELECT count(*), count(DISTINCT message_id) FROM messages"
                         + " WHERE business_id = ? AND direction = 'inbound'")) {
                q.setString(1, BUSINESS);
                try (ResultSet row = q.executeQuery()) {
                    row.next();
                    storedMessages = row.getLong(1);
                    distinctStored = row.getLong(2);
                }
            }

            // Workers: the same processes, re-registered on the new primary, ran jobs after the switch.
            Set<String> postSwitchRunners = new TreeSet<>();
            deliveries.values().stream().filter(d -> d.acceptedAt != null && d.acceptedAt.isAfter(switchedAt))
                    .forEach(d -> postSwitchRunners.add(primary.hget("rq:job:" + d.jobId, "worker_name")));
            Set<String> registered = new TreeSet<>();
            info.get("workers").forEach(w -> registered.add(w.get("name").asText()));

            int refusedMessages = (int) deliveries.values().stream().filter(d -> d.refused > 0).count();
            System.out.printf("""
                    sentinel failover under load: primary %d -> %d, switch took %d ms (SENTINEL FAILOVER to the old \
                    primary demoted); %d s in all, %d s of it starting processes
                      webhooks: %d sent, %d accepted (%d before the failover, %d after the switch), %d answered 503 \
                    at least once (%d 503s, %d without Retry-After), unexpected: %s
                      jobs of accepted webhooks: %s; messages in PostgreSQL: %d (%d distinct) of %d accepted
                      scheduler: %d minute slots expected %s..%s, %d missing, %d logged new twice, %d leaderships \
                    taken, leader now %s, a tick after the switch at %s
                      workers: %s before; after the switch jobs run by %s; registered now %s; replies at the gateway: %d
                    """,
                    oldPrimary, newPrimary, switchMillis,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                    TimeUnit.NANOSECONDS.toSeconds(ready - started),
                    deliveries.size(), acceptedMessages.size(), acceptedBefore,
                    deliveries.values().stream().filter(d -> d.acceptedAt != null && d.acceptedAt.isAfter(switchedAt)).count(),
                    refusedMessages, unavailable.get(), withoutRetryAfter.get(), unexpected,
                    countValues(statuses), storedMessages, distinctStored, acceptedMessages.size(),
                    expectedSlots.size(), origin, lastTick, missingSlots.size(), slotsNewTwice.size(), leaderships,
                    leader, tickAfterSwitch, workerNames, postSwitchRunners, registered, gateway.sent().size());

            assertEquals(List.of(), List.copyOf(unexpected), "only 200 and 503 answers");
            assertTrue(unavailable.get() > 0, "webhooks got 503 while the primary was switched");
            assertEquals(0, withoutRetryAfter.get(), "every 503 carried Retry-After");
            assertEquals(deliveries.size(), acceptedMessages.size(), "every message was accepted in the end");
            assertTrue(deliveries.values().stream().anyMatch(d -> d.refused > 0 && d.jobId != null),
                    "a message refused during the switch was accepted when retried");
            assertEquals(Map.of("finished", (long) statuses.size()), countValues(statuses),
                    "every accepted webhook's job finished on the new primary");
            assertEquals(acceptedMessages.size(), storedMessages, "each accepted message stored");
            assertEquals(storedMessages, distinctStored, "and stored once");
            assertEquals(Set.of(), missingSlots, "no minute slot missing");
            assertEquals(List.of(), slotsNewTwice, "no slot enqueued twice");
            assertTrue(leader != null && schedulers.stream().anyMatch(s -> s.output().contains("scheduler " + leader + " starting")),
                    "one of the two schedulers leads after the switch: " + leader);
            assertTrue(workers.stream().allMatch(ChildJvm::isAlive), "no worker died");
            assertTrue(!postSwitchRunners.isEmpty() && workerNames.containsAll(postSwitchRunners),
                    "the workers started before the failover ran the jobs after it: " + postSwitchRunners);
            assertEquals(workerNames, registered, "both workers are registered on the new primary");
        } finally {
            for (ChildJvm process : processes) {
                process.close();
            }
        }
    }

    private ChildJvm start(List<ChildJvm> processes, Map<String, String> env, String role) {
        Map<String, String> roleEnv = new HashMap<>(env);
        roleEnv.put("SERVICE_ROLE", role);
        if (role.equals("scheduler")) {
            roleEnv.put("LOG_LEVEL", "DEBUG"); // "Enqueued <slot> (new)" lines
        }
        ChildJvm process = ChildJvm.start(Switchboard.class.getName(), roleEnv);
        processes.add(process);
        return process;
    }

    /** Delivers one message as the gateway would: again after each 503's Retry-After, until accepted. */
    private void deliverUntilAccepted(String messageId, String phone) {
        Delivery delivery = new Delivery();
        deliveries.put(messageId, delivery);
        String body = """
                {"tenantId":"%s","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"%s@s.whatsapp.net","fromMe":false,"id":"%s"},
                  "messageTimestamp":%d,"pushName":"Customer %s",
                  "message":{"conversation":"Oi, tudo bem?"}}]}}""".formatted(BUSINESS, phone, messageId,
                System.currentTimeMillis() / 1000, messageId);
        for (int attempt = 1; attempt <= 40; attempt++) {
            delivery.attempts = attempt;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/webhook/whatsapp/incoming"))
                        .header("Content-Type", "application/json").header("X-Internal-Secret", WEBHOOK_SECRET)
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 || response.statusCode() == 202) {
                    JsonNode ids = JSON.readTree(response.body()).get("job_ids");
                    delivery.jobId = ids.get(0).asText();
                    delivery.acceptedAt = Instant.now();
                    return;
                }
                if (response.statusCode() != 503) {
                    unexpected.add(response.statusCode() + " " + response.body());
                    return;
                }
                unavailable.incrementAndGet();
                delivery.refused++;
                var retryAfter = response.headers().firstValue("Retry-After");
                if (retryAfter.isEmpty()) {
                    withoutRetryAfter.incrementAndGet();
                }
                sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(retryAfter.orElse("1"))));
            } catch (Exception e) {
                unexpected.add(messageId + ": " + e);
                return;
            }
        }
        unexpected.add(messageId + ": not accepted after 40 attempts");
    }

    private int acceptedCount() {
        return (int) deliveries.values().stream().filter(d -> d.jobId != null).count();
    }

    private void awaitAccepted(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acceptedCount() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acceptedCount() + " webhooks accepted: " + unexpected);
            }
            sleep(50);
        }
    }

    private void awaitAcceptedAfterSwitch(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (deliveries.values().stream().filter(d -> d.acceptedAt != null && d.acceptedAt.isAfter(switchedAt)).count() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + n + " webhooks accepted after the switch: " + unexpected);
            }
            sleep(50);
        }
    }

    /** Status of every accepted webhook's job, once all are finished (or at the timeout). */
    private Map<String, String> awaitFinished(RedisCommands<String, String> primary, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> statuses = new HashMap<>();
        while (true) {
            statuses.clear();
            for (Delivery d : deliveries.values()) {
                if (d.jobId != null) {
                    statuses.put(d.jobId, String.valueOf(primary.hget("rq:job:" + d.jobId, "status")));
                }
            }
            if (statuses.values().stream().allMatch("finished"::equals) || System.nanoTime() > deadline) {
                return statuses;
            }
            sleep(200);
        }
    }

    /** Waits until the leader has recorded ticks worth two more minute slots on the new primary. */
    private static Instant awaitTicksOnNewPrimary(RedisCommands<String, String> primary, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String start = primary.get("scheduler:last_tick");
        Instant from = start == null ? Instant.EPOCH : Instant.parse(start);
        while (System.nanoTime() < deadline) {
            String tick = primary.get("scheduler:last_tick");
            if (tick != null && Instant.parse(tick).isAfter(from.plus(Duration.ofMinutes(2)))) {
                return Instant.parse(tick);
            }
            sleep(100);
        }
        throw new AssertionError("the scheduler did not tick on the new primary (last tick " + start + ")");
    }

    private static void awaitLeader(List<ChildJvm> schedulers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (schedulers.stream().anyMatch(s -> s.output().contains("Took the leader lease as "))) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("no scheduler took the lease:\n" + schedulers.get(0).output());
    }

    private static Set<String> minuteSlots(Instant after, Instant upTo) {
        Set<String> ids = new TreeSet<>();
        long first = Math.floorDiv(after.getEpochSecond(), 60) * 60;
        for (long s = first; s <= upTo.getEpochSecond(); s += 60) {
            if (Instant.ofEpochSecond(s).isAfter(after)) {
                ids.add("reminders_tick_job@" + SLOT_TIME.format(Instant.ofEpochSecond(s)));
            }
        }
        return ids;
    }

    private static String jobs(String redisUrl, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JobsCli.run(args, Map.of("REDIS_URL", redisUrl), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Long> countValues(Map<String, String> statuses) {
        Map<String, Long> counts = new TreeMap<>();
        statuses.values().forEach(s -> counts.merge(s, 1L, Long::sum));
        return counts;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
