package dev.switchboard.roles.all;

import dev.switchboard.domain.DedupeKeys;
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
import java.net.http.WebSocket;
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
 * three workers, two schedulers, one calls — on one Redis and one PostgreSQL, a steady load of
 * WhatsApp webhooks (each from one of a few dozen customers, so lead upserts race), API reads, and
 * phone calls (each a signed Twilio Media Stream to the calls process — greeted, a second of the
 * caller's audio, {@code stop} — then Twilio's signed status callback to an api), and every
 * 1–3 s a random process is killed ({@code kill -9} or SIGTERM, at random) and a fresh one started
 * in its place (an api only while the other one serves, as behind a load balancer). The load client behaves like the real gateway: a webhook not answered 200 is sent
 * again, to the other api, until one accepts it.
 *
 * <p>At the end, with every process back: each accepted message produced exactly one reply at the
 * gateway, each customer exactly one lead, each inbound message one row; every call placed has its
 * one call log, finalized ({@code completed}, or {@code interrupted} when its calls process died
 * under it), and no caller two leads; every periodic slot of
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
    private static final String JOB_ID_SECRET = "job-id-secret-for-the-chaos-test-0123456789";
    private static final String TWILIO_TOKEN = "twilio-token-for-the-chaos-test-0123456789";
    private static final String PUBLIC_BASE = "https://api.chaos.example.com";
    private static final String CALLS_PUBLIC = "wss://calls.chaos.example.com";
    private static final String OUR_NUMBER = "+5511999990000";
    private static final int CALLERS = 10;
    private static final DateTimeFormatter JOB_ID_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Role> roles = new TreeMap<>();
    private final List<ChildJvm> everyProcess = new ArrayList<>();
    private final int[] apiPorts = {FreePorts.next(), FreePorts.next()};
    private final int callsPort = FreePorts.next();
    /** Reply ids (the gateway's idempotency keys) to message numbers, for every message sent. */
    private final Map<String, Integer> replyIds = new ConcurrentHashMap<>();
    /** Slot job ids seen finished during the run (see {@link #watchSlots}). */
    private final Set<String> seenFinished = ConcurrentHashMap.newKeySet();
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
                    Map.entry("SCHEDULER_TIME_ORIGIN", origin.toString()),
                    Map.entry("TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
                    Map.entry("PUBLIC_BASE_URL", PUBLIC_BASE),
                    Map.entry("CALLS_PUBLIC_URL", CALLS_PUBLIC),
                    Map.entry("TWILIO_NUMBERS", OUR_NUMBER + ":" + BUSINESS),
                    // A dead calls process's calls are found within this plus a (scaled) minute.
                    Map.entry("CALL_LIVENESS_TTL", "3s"),
                    Map.entry("JOB_ID_SECRET", JOB_ID_SECRET)));
            roles.put("api-1", new Role("api-1", "api", apiPorts[0]));
            roles.put("api-2", new Role("api-2", "api", apiPorts[1]));
            for (int i = 1; i <= 3; i++) {
                roles.put("worker-" + i, new Role("worker-" + i, "worker", FreePorts.next()));
            }
            for (int i = 1; i <= 2; i++) {
                roles.put("scheduler-" + i, new Role("scheduler-" + i, "scheduler", FreePorts.next()));
            }
            roles.put("calls-1", new Role("calls-1", "calls", callsPort));
            roles.values().forEach(Role::start);
            for (int port : apiPorts) {
                awaitTrue("api on " + port + " answers", Duration.ofSeconds(180), () -> healthy(port));
            }
            awaitTrue("the calls process answers", Duration.ofSeconds(180), () -> healthy(callsPort));

            Load load = new Load();
            Thread loader = Thread.ofPlatform().name("chaos-load").start(load);
            Calls calls = new Calls();
            Thread caller = Thread.ofPlatform().name("chaos-calls").start(calls);
            AtomicBoolean stopWatching = new AtomicBoolean();
            Thread watcher = Thread.ofPlatform().daemon(true).name("chaos-slots").start(() -> watchSlots(origin, stopWatching));
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
            calls.stop.set(true);
            loader.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(!loader.isAlive(), "the load client finished its last messages");
            caller.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(!caller.isAlive(), "the call client finished its last call");
            for (int port : apiPorts) {
                awaitTrue("api on " + port + " answers after the chaos", Duration.ofSeconds(180), () -> healthy(port));
            }

            Set<Integer> accepted = load.accepted.keySet();
            awaitTrue(() -> "every accepted message has its reply; missing: " + missingReplies(accepted, gateway)
                    + "\n" + jobStore(), Duration.ofSeconds(180), () -> {
                Map<Integer, Integer> replies = repliesPerMessage(gateway);
                return accepted.stream().allMatch(replies::containsKey);
            });
            Set<String> placed = calls.placed;
            awaitTrue(() -> "every call placed has a finalized log; missing: " + placed.stream()
                            .filter(sid -> !finalizedCalls().containsKey(sid)).sorted().toList() + "\n" + jobStore(),
                    Duration.ofSeconds(180), () -> finalizedCalls().keySet().containsAll(placed));
            Thread.sleep(3000); // time for a duplicate to show up, if there were one
            Instant lastTick = Instant.parse(redis.commands().get("scheduler:last_tick"));

            Map<Integer, Integer> replies = repliesPerMessage(gateway);
            List<Integer> twice = replies.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList();
            Map<String, Integer> leadsPerPhone = leadsPerPhone();
            int inboundRows = count("SELECT count(*) FROM messages WHERE business_id = ? AND direction = 'inbound'");
            int outboundRows = count("SELECT count(*) FROM messages WHERE business_id = ? AND direction = 'outbound'");
            stopWatching.set(true);
            watcher.join(TimeUnit.SECONDS.toMillis(30));
            SlotCheck slots = slots(origin, lastTick);
            Map<String, Long> failed = failedRegistries();
            Map<String, String> finalized = finalizedCalls();
            Map<String, Integer> outcomes = new TreeMap<>();
            finalized.values().forEach(o -> outcomes.merge(o, 1, Integer::sum));
            int callLogs = count("SELECT count(*) FROM call_logs WHERE business_id = ?");
            int openCallLogs = count("SELECT count(*) FROM call_logs WHERE business_id = ? AND ended_at IS NULL");

            System.out.printf("""
                    whole-system chaos: %d s, %d processes started (%d kill -9, %d SIGTERM; per slot %s)
                      webhooks: %d sent, %d accepted, %d answered other than 200 or not at all (retried), %d API reads (%d 5xx)
                      not accepted at once: %s
                      effects: %d replies at the gateway (%d messages replied more than once), %d leads for %d customers,
                               %d inbound and %d outbound message rows
                      calls: %d placed, %d streamed and greeted, %d with no stream (calls process down: %s);
                             %d call logs, %d open, outcomes %s
                      periodic slots: %d expected up to the last tick, %d finished, %d missing or unfinished %s
                      failed registries: %s
                    """, seconds, everyProcess.size(), kill9s, sigterms, kills,
                    load.sent.get(), accepted.size(), load.refusals.get(), load.reads.get(), load.serverErrors.get(), load.refusalReasons,
                    gateway.sent().size(), twice.size(), leadsPerPhone.size(), load.customers().size(),
                    inboundRows, outboundRows,
                    placed.size(), calls.greeted.get(), placed.size() - calls.greeted.get(), calls.streamFailures,
                    callLogs, openCallLogs, outcomes,
                    slots.expected, slots.finished, slots.notFinished.size(),
                    slots.notFinished.stream().limit(10).toList(), failed);

            assertTrue(accepted.size() > 0, "the load got messages through");
            assertEquals(List.of(), twice, "every message replied to exactly once");
            assertEquals(accepted, replies.keySet(), "a reply for every accepted message and for nothing else");
            assertTrue(leadsPerPhone.keySet().containsAll(load.customers()), "a lead for each customer who wrote");
            Set<String> contacts = new TreeSet<>(load.customers());
            contacts.addAll(calls.callers());
            assertTrue(contacts.containsAll(leadsPerPhone.keySet()), "leads only for those who wrote or called: "
                    + leadsPerPhone.keySet());
            assertTrue(leadsPerPhone.values().stream().allMatch(n -> n == 1), "no customer has two leads: " + leadsPerPhone);
            assertEquals(accepted.size(), inboundRows, "one row per inbound message");
            assertEquals(accepted.size(), outboundRows, "one row per reply");
            assertEquals(0, load.serverErrors.get(), "no API read answered 5xx");
            assertTrue(calls.greeted.get() > 0, "calls got through to the calls process");
            assertEquals(placed, finalized.keySet(), "a finalized log for every call placed, and for nothing else");
            assertEquals(placed.size(), callLogs, "one log per call");
            assertEquals(0, openCallLogs, "no call left open");
            assertTrue(slots.expected > 0, "the run covered periodic slots");
            assertEquals(List.of(), slots.notFinished, "every slot's job finished");
            assertTrue(failed.values().stream().allMatch(n -> n == 0), "nothing failed: " + failed + "\n" + jobStore());
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
                replyIds.put(replyJobId(n), n);
                sent.incrementAndGet();
                deliverUntilAccepted(n);
                if (n % 10 == 0) {
                    read(apiPorts[n % 2]);
                }
                sleep(40);
            }
        }

        private void deliverUntilAccepted(int n) {
            if (postUntilAccepted("webhook " + n, n, "/webhook/whatsapp/incoming", "application/json",
                    "X-Internal-Secret", WEBHOOK_SECRET, webhook(n), reason -> {
                        refusals.incrementAndGet();
                        refusalReasons.merge(reason, 1, Integer::sum);
                    })) {
                accepted.put(n, Boolean.TRUE);
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

    /**
     * Twilio, for the calls: one call at a time, each a signed Media Stream to the calls process
     * ({@code connected}, {@code start}, a second of the caller's audio at real-time pace while the
     * greeting plays, {@code stop}), then the signed status callback ({@code completed}) to an api,
     * sent again until an api accepts it. A call whose stream could not be opened (the calls
     * process is down) still ends with its status callback, as at Twilio.
     */
    private final class Calls implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger greeted = new AtomicInteger();
        final Set<String> placed = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> streamFailures = new ConcurrentHashMap<>();
        private final Set<String> callers = ConcurrentHashMap.newKeySet();

        Set<String> callers() {
            return new TreeSet<>(callers);
        }

        @Override
        public void run() {
            for (int n = 0; !stop.get(); n++) {
                String sid = "CA%032x".formatted(0xC4A05000L + n);
                String from = "+55119880000" + String.format("%02d", n % CALLERS);
                placed.add(sid);
                callers.add(from);
                try {
                    if (stream(sid, from)) {
                        greeted.incrementAndGet();
                    }
                } catch (Exception e) {
                    streamFailures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                }
                statusCallbackUntilAccepted(sid, from);
                sleep(200);
            }
        }

        /** One call's stream; whether the caller heard the greeting. */
        private boolean stream(String sid, String from) throws Exception {
            AtomicInteger media = new AtomicInteger();
            WebSocket ws = http.newWebSocketBuilder()
                    .header("X-Twilio-Signature", twilioSignature(CALLS_PUBLIC + "/ws/twilio/media", Map.of()))
                    .buildAsync(URI.create("ws://127.0.0.1:" + callsPort + "/ws/twilio/media"), new WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(WebSocket socket, CharSequence data,
                                                                             boolean last) {
                            if (data.toString().contains("\"event\":\"media\"")) {
                                media.incrementAndGet();
                            }
                            socket.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            try {
                String stream = "MZ" + sid.substring(2);
                send(ws, "{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
                send(ws, "{\"event\":\"start\",\"sequenceNumber\":\"1\",\"start\":{\"streamSid\":\"" + stream
                        + "\",\"callSid\":\"" + sid + "\",\"customParameters\":{\"CallSid\":\"" + sid
                        + "\",\"BusinessId\":\"" + BUSINESS + "\",\"From\":\"" + from + "\",\"To\":\"" + OUR_NUMBER
                        + "\"}},\"streamSid\":\"" + stream + "\"}");
                byte[] frame = new byte[160];
                java.util.Arrays.fill(frame, (byte) 0xFF); // μ-law silence
                String silence = java.util.Base64.getEncoder().encodeToString(frame);
                for (int i = 0; i < 50; i++) {
                    send(ws, "{\"event\":\"media\",\"media\":{\"track\":\"inbound\",\"payload\":\"" + silence
                            + "\"},\"streamSid\":\"" + stream + "\"}");
                    Thread.sleep(20);
                }
                send(ws, "{\"event\":\"stop\",\"streamSid\":\"" + stream + "\",\"stop\":{\"callSid\":\"" + sid + "\"}}");
                return media.get() > 0;
            } finally {
                ws.abort();
            }
        }

        private void send(WebSocket ws, String text) throws Exception {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        private void statusCallbackUntilAccepted(String sid, String from) {
            Map<String, String> form = new TreeMap<>(Map.of("CallSid", sid, "CallStatus", "completed",
                    "From", from, "To", OUR_NUMBER, "Direction", "inbound", "CallDuration", "1"));
            StringBuilder body = new StringBuilder();
            form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                    .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
            String signature = twilioSignature(PUBLIC_BASE + "/webhook/twilio/status", form);
            postUntilAccepted("status callback of " + sid, 0, "/webhook/twilio/status",
                    "application/x-www-form-urlencoded", "X-Twilio-Signature", signature, body.toString(), reason -> { });
        }
    }

    /**
     * Posts to the apis until one answers 200, as a sender that retries does (the gateway, Twilio):
     * a 503 or an api that is down is tried again on the other api; any other answer fails the
     * test. False only if interrupted.
     */
    private boolean postUntilAccepted(String what, int first, String path, String contentType, String header,
                                      String headerValue, String body, java.util.function.Consumer<String> refused) {
        for (int attempt = 0; ; attempt++) {
            int port = apiPorts[(first + attempt) % 2];
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", contentType)
                        .header(header, headerValue)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
                if (response.statusCode() != 503) {
                    throw new AssertionError(what + " answered " + response.statusCode() + ": " + response.body());
                }
                refused.accept("503 " + response.body());
            } catch (IOException e) {
                // the api died under the request or is restarting: the sender sends again
                refused.accept(e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(200);
        }
    }

    /** Twilio's X-Twilio-Signature: HMAC-SHA1 of the URL and the sorted form fields, base64. */
    private static String twilioSignature(String url, Map<String, String> form) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(TWILIO_TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA1"));
            StringBuilder signed = new StringBuilder(url);
            new TreeMap<>(form).forEach((k, v) -> signed.append(k).append(v));
            return java.util.Base64.getEncoder().encodeToString(
                    mac.doFinal(signed.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Finalized call logs of the business: call sid → outcome. */
    private Map<String, String> finalizedCalls() {
        Map<String, String> outcomes = new TreeMap<>();
        try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT call_sid, outcome FROM call_logs WHERE business_id = ? AND ended_at IS NOT NULL")) {
            s.setString(1, BUSINESS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    outcomes.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return outcomes;
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

    /**
     * Replies at the gateway per message number. A reply is known by its idempotency key, the id of
     * its {@code send_whatsapp_message_job}, which the queue derives from the inbound message
     * (HMAC-SHA256 of the reply's dedupe key with {@code JOB_ID_SECRET}, docs/redis-keys.md); not by
     * its text: the AI answers the conversation, and when a customer's next message arrived
     * before a rerun asked the AI, that answer quotes the newer message.
     */
    private Map<Integer, Integer> repliesPerMessage(FakeWhatsAppGateway gateway) {
        Map<Integer, Integer> replies = new TreeMap<>();
        for (FakeWhatsAppGateway.Sent s : gateway.sent()) {
            Integer n = replyIds.get(s.clientMessageId());
            if (n != null) {
                replies.merge(n, 1, Integer::sum);
            }
        }
        return replies;
    }

    /** The id the reply to message {@code n} is sent with (its send job's id). */
    private static String replyJobId(int n) {
        String dedupeKey = "reply:" + DedupeKeys.whatsAppMessage(BUSINESS, phone(n) + "@s.whatsapp.net",
                "CHAOS%08d".formatted(n));
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(JOB_ID_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] digest = mac.doFinal(dedupeKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "send_whatsapp_message_job-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The accepted messages without a reply, each with the message rows it has (a failed run's diagnosis). */
    private String missingReplies(Set<Integer> accepted, FakeWhatsAppGateway gateway) {
        Map<Integer, Integer> replies = repliesPerMessage(gateway);
        StringBuilder out = new StringBuilder();
        accepted.stream().filter(n -> !replies.containsKey(n)).sorted().limit(20).forEach(n -> {
            out.append("\n  #").append(n).append(": message rows ");
            try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement(
                    "SELECT direction, created_at FROM messages WHERE business_id = ? AND text LIKE ?")) {
                s.setString(1, BUSINESS);
                s.setString(2, "%chaos message #" + n + "#%");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.append(rs.getString(1)).append('@').append(rs.getString(2)).append(' ');
                    }
                }
            } catch (java.sql.SQLException e) {
                out.append(e.getMessage());
            }
        });
        return out.toString();
    }

    /** What the job store holds: each registry's size and every failed job's error (a failed run's diagnosis). */
    private static String jobStore() {
        StringBuilder out = new StringBuilder("job store:");
        for (String key : new TreeSet<>(redis.commands().keys("rq:*"))) {
            String type = redis.commands().type(key);
            long size = switch (type) {
                case "list" -> redis.commands().llen(key);
                case "zset" -> redis.commands().zcard(key);
                case "set" -> redis.commands().scard(key);
                default -> -1;
            };
            if (size >= 0 && !key.startsWith("rq:finished:")) {
                out.append("\n  ").append(key).append(" (").append(type).append(") ").append(size);
                if (key.startsWith("rq:failed:") || key.startsWith("rq:wip:") || key.startsWith("rq:scheduled:")) {
                    for (String id : redis.commands().zrange(key, 0, 9)) {
                        Map<String, String> job = new TreeMap<>(redis.commands().hgetall("rq:job:" + id));
                        job.keySet().removeAll(Set.of("data", "exc_info", "result"));
                        out.append("\n    ").append(id).append(' ').append(job);
                    }
                }
            }
        }
        return out.toString();
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
    private SlotCheck slots(Instant origin, Instant lastTick) {
        List<String> notFinished = new ArrayList<>();
        int expected = 0;
        int finished = 0;
        for (String id : slotJobIds(origin, lastTick)) {
            expected++;
            String status = redis.commands().hget("rq:job:" + id, "status");
            if (seenFinished.contains(id) || "finished".equals(status)) {
                finished++;
            } else {
                notFinished.add(id + "=" + status);
            }
        }
        return new SlotCheck(expected, finished, notFinished);
    }

    /** The job ids of every slot of every scheduled periodic job from {@code origin} up to {@code upTo}. */
    private static List<String> slotJobIds(Instant origin, Instant upTo) {
        List<String> ids = new ArrayList<>();
        for (PeriodicJob job : PeriodicJobs.runnable(ZoneOffset.UTC)) {
            for (Instant slot : job.schedule().startsIn(origin, upTo)) {
                ids.add(job.name() + "@" + JOB_ID_TIME.format(slot));
            }
        }
        return ids;
    }

    /**
     * Notes each slot's job once it has finished, every few seconds during the run: a finished
     * job's hash lives {@code result_ttl} (python-rq's 500 s), shorter than the long run.
     */
    private void watchSlots(Instant origin, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                String lastTick = redis.commands().get("scheduler:last_tick");
                if (lastTick != null) {
                    for (String id : slotJobIds(origin, Instant.parse(lastTick))) {
                        if (!seenFinished.contains(id) && "finished".equals(redis.commands().hget("rq:job:" + id, "status"))) {
                            seenFinished.add(id);
                        }
                    }
                }
            } catch (RuntimeException e) {
                // Redis is the test's own and stays up; a hiccup is tried again on the next round
            }
            sleep(5_000);
        }
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
        awaitTrue(() -> what, timeout, condition);
    }

    /** Waits for {@code condition}; on timeout fails with {@code what} (computed then) and each process's log tail. */
    private void awaitTrue(Supplier<String> what, Duration timeout, Supplier<Boolean> condition) {
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
        throw new AssertionError("not within " + timeout + ": " + what.get() + tails);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
