package dev.switchboard.roles.all;

import dev.switchboard.domain.PeriodicJob;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeChatServer;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system while its processes die (issue 9): every role as its own process — two apis,
 * three workers, two schedulers — on one Redis and one PostgreSQL, a steady load of WhatsApp
 * webhooks (each from one of a few dozen customers, so lead upserts race) and API reads, and every
 * 1–3 s a random process is killed ({@code kill -9} or SIGTERM, at random) and a fresh one started
 * in its place (an api only while the other one serves, as behind a load balancer). The load client behaves like the real gateway: a webhook not answered 200 is sent
 * again, to the other api, until one accepts it.
 *
 * <p>At the end, with every process back: each accepted message produced exactly one reply at the
 * gateway, each customer exactly one lead, each inbound message one row; every periodic slot of
 * the scheduled time (scaled {@value #SCALE}x so a run covers hours of slots) ran exactly once —
 * its deterministic job finished, nothing failed. The counts are printed.
 *
 * <p>CI runs {@value #DEFAULT_SECONDS} s of chaos; the long run is
 * {@code ./mvnw -pl roles/all -am verify -Dtest=WholeSystemChaosTest -Dchaos.seconds=600
 * -Dsurefire.failIfNoSpecifiedTests=false} (docs/operations.md, "Chaos").
 */
class WholeSystemChaosTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final int DEFAULT_SECONDS = 35;
    private static final long SCALE = 60;
    private static final int CUSTOMERS = 40;
    private static final String WEBHOOK_SECRET = "webhook-secret-for-the-chaos-test-0123456789";
    private static final String GATEWAY_SECRET = "gateway-secret-for-the-chaos-test-0123456789";
    private static final String TOKEN = "token-of-business-chaos-for-the-test-0123456789";
    private static final String AI_KEY = "sk-chaos-0123456789abcdef0123456789";
    private static final String BUSINESS = "chaos_1";
    private static final DateTimeFormatter JOB_ID_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Role> roles = new TreeMap<>();
    private final List<ChildJvm> everyProcess = new ArrayList<>();
    private final int[] apiPorts = {FreePorts.next(), FreePorts.next()};
    private Map<String, String> common;

    /** One slot of the topology: which role, and the process currently filling it. */
    private final class Role {
        final String name;
        final String role;
        final int port;
        volatile ChildJvm jvm;

        Role(String name, String role, int port) {
            this.name = name;
            this.role = role;
            this.port = port;
        }

        void start() {
            Map<String, String> env = new HashMap<>(common);
            env.put("SERVICE_ROLE", role);
            env.put("PORT", Integer.toString(port));
            jvm = ChildJvm.start(Switchboard.class.getName(), env);
            synchronized (everyProcess) {
                everyProcess.add(jvm);
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyAcceptedWebhookAndEverySlotTakesEffectExactlyOnceWhileProcessesDie() throws Exception {
        int seconds = Integer.getInteger("chaos.seconds", DEFAULT_SECONDS);
        Instant origin = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        redis.commands().set("scheduler:last_tick", origin.toString());
        try (FakeWhatsAppGateway gateway = FakeWhatsAppGateway.start(GATEWAY_SECRET, Set.of(BUSINESS));
             FakeChatServer ai = FakeChatServer.start(AI_KEY, "chaos-model")) {
            common = new HashMap<>(Map.ofEntries(
                    Map.entry("REDIS_URL", redis.url()),
                    Map.entry("DATABASE_URL", postgres.databaseUrl()),
                    Map.entry("INTERNAL_WEBHOOK_SECRET", WEBHOOK_SECRET),
                    Map.entry("API_TOKENS", BUSINESS + ":" + TOKEN),
                    Map.entry("WHATSAPP_GATEWAY_URL", gateway.url()),
                    Map.entry("WHATSAPP_GATEWAY_SECRET", GATEWAY_SECRET),
                    Map.entry("AI_BASE_URL", ai.baseUrl()),
                    Map.entry("AI_API_KEY", AI_KEY),
                    Map.entry("AI_MODEL", "chaos-model"),
                    Map.entry("BUSINESS_RATE_LIMIT", "1000"),
                    Map.entry("WORKER_LEASE", "2s"),
                    Map.entry("SCHEDULER_TICK", "200ms"),
                    Map.entry("SCHEDULER_LEASE_TTL", "1s"),
                    Map.entry("SCHEDULER_CATCHUP", "72h"),
                    Map.entry("SCHEDULER_TIME_SCALE", Long.toString(SCALE)),
                    Map.entry("SCHEDULER_TIME_ORIGIN", origin.toString())));
            roles.put("api-1", new Role("api-1", "api", apiPorts[0]));
            roles.put("api-2", new Role("api-2", "api", apiPorts[1]));
            for (int i = 1; i <= 3; i++) {
                roles.put("worker-" + i, new Role("worker-" + i, "worker", FreePorts.next()));
            }
            for (int i = 1; i <= 2; i++) {
                roles.put("scheduler-" + i, new Role("scheduler-" + i, "scheduler", FreePorts.next()));
            }
            roles.values().forEach(Role::start);
            for (int port : apiPorts) {
                awaitTrue("api on " + port + " answers", Duration.ofSeconds(180), () -> healthy(port));
            }

            Load load = new Load();
            Thread loader = Thread.ofPlatform().name("chaos-load").start(load);
            Random random = new Random(20261130L);
            Map<String, Integer> kills = new TreeMap<>();
            int sigterms = 0;
            int kill9s = 0;
            long chaosEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < chaosEnd) {
                Thread.sleep(1000 + random.nextInt(2000));
                List<Role> all = new ArrayList<>(roles.values());
                Role victim = all.get(random.nextInt(all.size()));
                if (victim.role.equals("api")) {
                    // Any process dies, but as behind a load balancer, one api replica keeps serving.
                    int other = victim.port == apiPorts[0] ? apiPorts[1] : apiPorts[0];
                    awaitTrue("the other api answers before this one is killed", Duration.ofSeconds(180),
                            () -> healthy(other));
                }
                if (random.nextBoolean()) {
                    victim.jvm.kill9();
                    kill9s++;
                } else {
                    victim.jvm.terminate();
                    victim.jvm.waitFor(Duration.ofSeconds(40));
                    sigterms++;
                }
                kills.merge(victim.name, 1, Integer::sum);
                victim.start();
            }
            load.stop.set(true);
            loader.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(!loader.isAlive(), "the load client finished its last messages");
            for (int port : apiPorts) {
                awaitTrue("api on " + port + " answers after the chaos", Duration.ofSeconds(180), () -> healthy(port));
            }

            Set<Integer> accepted = load.accepted.keySet();
            awaitTrue("every accepted message has its reply", Duration.ofSeconds(180), () -> {
                Map<Integer, Integer> replies = repliesPerMessage(gateway);
                return accepted.stream().allMatch(replies::containsKey);
            });
            Thread.sleep(3000); // time for a duplicate to show up, if there were one
            Instant lastTick = Instant.parse(redis.commands().get("scheduler:last_tick"));

            Map<Integer, Integer> replies = repliesPerMessage(gateway);
            List<Integer> twice = replies.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList();
            Map<String, Integer> leadsPerPhone = leadsPerPhone();
            int inboundRows = count("SELECT count(*) FROM messages WHERE business_id = ? AND direction = 'inbound'");
            int outboundRows = count("SELECT count(*) FROM messages WHERE business_id = ? AND direction = 'outbound'");
            SlotCheck slots = slots(origin, lastTick);
            Map<String, Long> failed = failedRegistries();

            System.out.printf("""
                    whole-system chaos: %d s, %d processes started (%d kill -9, %d SIGTERM; per slot %s)
                      webhooks: %d sent, %d accepted, %d answered other than 200 or not at all (retried), %d API reads (%d 5xx)
                      not accepted at once: %s
                      effects: %d replies at the gateway (%d messages replied more than once), %d leads for %d customers,
                               %d inbound and %d outbound message rows
                      periodic slots: %d expected up to the last tick, %d finished, %d missing or unfinished %s
                      failed registries: %s
                    """, seconds, everyProcess.size(), kill9s, sigterms, kills,
                    load.sent.get(), accepted.size(), load.refusals.get(), load.reads.get(), load.serverErrors.get(), load.refusalReasons,
                    gateway.sent().size(), twice.size(), leadsPerPhone.size(), load.customers().size(),
                    inboundRows, outboundRows, slots.expected, slots.finished, slots.notFinished.size(),
                    slots.notFinished.stream().limit(10).toList(), failed);

            assertTrue(accepted.size() > 0, "the load got messages through");
            assertEquals(List.of(), twice, "every message replied to exactly once");
            assertEquals(accepted, replies.keySet(), "a reply for every accepted message and for nothing else");
            assertEquals(load.customers(), leadsPerPhone.keySet(), "one lead per customer who wrote");
            assertTrue(leadsPerPhone.values().stream().allMatch(n -> n == 1), "no customer has two leads: " + leadsPerPhone);
            assertEquals(accepted.size(), inboundRows, "one row per inbound message");
            assertEquals(accepted.size(), outboundRows, "one row per reply");
            assertEquals(0, load.serverErrors.get(), "no API read answered 5xx");
            assertTrue(slots.expected > 0, "the run covered periodic slots");
            assertEquals(List.of(), slots.notFinished, "every slot's job finished");
            assertTrue(failed.values().stream().allMatch(n -> n == 0), "nothing failed: " + failed);
        } finally {
            synchronized (everyProcess) {
                everyProcess.forEach(ChildJvm::close);
            }
        }
    }

    /** The gateway's load client: webhooks at a steady pace, retried until an api accepts them. */
    private final class Load implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger serverErrors = new AtomicInteger();
        final Map<Integer, Boolean> accepted = new ConcurrentHashMap<>();
        final Map<String, Integer> refusalReasons = new ConcurrentHashMap<>();
        private int next;

        Set<String> customers() {
            Set<String> phones = new TreeSet<>();
            accepted.keySet().forEach(n -> phones.add("+" + phone(n)));
            return phones;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                int n = next++;
                sent.incrementAndGet();
                deliverUntilAccepted(n);
                if (n % 10 == 0) {
                    read(apiPorts[n % 2]);
                }
                sleep(40);
            }
        }

        private void deliverUntilAccepted(int n) {
            String body = webhook(n);
            for (int attempt = 0; ; attempt++) {
                int port = apiPorts[(n + attempt) % 2];
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/webhook/whatsapp/incoming"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .header("X-Internal-Secret", WEBHOOK_SECRET)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        accepted.put(n, Boolean.TRUE);
                        return;
                    }
                    if (response.statusCode() != 503) {
                        throw new AssertionError("webhook " + n + " answered " + response.statusCode() + ": " + response.body());
                    }
                    refusalReasons.merge("503 " + response.body(), 1, Integer::sum);
                } catch (IOException e) {
                    // the api died under the request or is restarting: the gateway sends again
                    refusalReasons.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                refusals.incrementAndGet();
                sleep(200);
            }
        }

        private void read(int port) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/leads?limit=5"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
                reads.incrementAndGet();
                if (response.statusCode() >= 500 && response.statusCode() != 503) {
                    serverErrors.incrementAndGet();
                }
            } catch (IOException e) {
                // that api is down right now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long phone(int n) {
        return 5511900000000L + n % CUSTOMERS;
    }

    private static String webhook(int n) {
        return """
                {"tenantId":"%s","payload":{"type":"notify","messages":[{
                  "key":{"remoteJid":"%d@s.whatsapp.net","fromMe":false,"id":"CHAOS%08d"},
                  "messageTimestamp":%d,"pushName":"Customer %d",
                  "message":{"conversation":"chaos message #%d#"}}]}}""".formatted(BUSINESS, phone(n), n,
                System.currentTimeMillis() / 1000, n % CUSTOMERS, n);
    }

    /** Replies at the gateway per message number (the fake AI echoes the customer's text). */
    private static Map<Integer, Integer> repliesPerMessage(FakeWhatsAppGateway gateway) {
        Map<Integer, Integer> replies = new TreeMap<>();
        for (FakeWhatsAppGateway.Sent s : gateway.sent()) {
            int start = s.text().indexOf("chaos message #");
            if (start >= 0) {
                int from = start + "chaos message #".length();
                int n = Integer.parseInt(s.text().substring(from, s.text().indexOf('#', from)));
                replies.merge(n, 1, Integer::sum);
            }
        }
        return replies;
    }

    private Map<String, Integer> leadsPerPhone() throws Exception {
        Map<String, Integer> perPhone = new TreeMap<>();
        try (Connection c = postgres.connect();
             PreparedStatement s = c.prepareStatement("SELECT phone, count(*) FROM leads WHERE business_id = ? GROUP BY phone")) {
            s.setString(1, BUSINESS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    perPhone.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return perPhone;
    }

    private int count(String sql) throws Exception {
        try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, BUSINESS);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private record SlotCheck(int expected, int finished, List<String> notFinished) {
    }

    /**
     * Every slot of every scheduled periodic job between the seeded origin and the last tick: its
     * job id is deterministic ({@code name@time}), so one job per slot; it must have finished.
     */
    private static SlotCheck slots(Instant origin, Instant lastTick) {
        List<String> notFinished = new ArrayList<>();
        int expected = 0;
        int finished = 0;
        for (PeriodicJob job : PeriodicJobs.runnable(ZoneOffset.UTC)) {
            for (Instant slot : job.schedule().startsIn(origin, lastTick)) {
                expected++;
                String id = job.name() + "@" + JOB_ID_TIME.format(slot);
                String status = redis.commands().hget("rq:job:" + id, "status");
                if ("finished".equals(status)) {
                    finished++;
                } else {
                    notFinished.add(id + "=" + status);
                }
            }
        }
        return new SlotCheck(expected, finished, notFinished);
    }

    private static Map<String, Long> failedRegistries() {
        Map<String, Long> failed = new TreeMap<>();
        for (String key : redis.commands().keys("rq:failed:*")) {
            failed.put(key, redis.commands().zcard(key));
        }
        return failed;
    }

    private boolean healthy(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            sleep(100);
        }
        StringBuilder tails = new StringBuilder();
        roles.values().forEach(r -> {
            String log = r.jvm.output();
            tails.append("\n--- ").append(r.name).append(r.jvm.isAlive() ? " (alive)" : " (exited)").append('\n')
                    .append(log, Math.max(0, log.length() - 2000), log.length());
        });
        throw new AssertionError("not within " + timeout + ": " + what + tails);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
