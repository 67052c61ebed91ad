package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.http.StandardWebhookSignature;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.roles.worker.WorkerRole;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broadcast through worker processes that die: the api in this JVM takes the broadcast, worker
 * processes (child JVMs) send it to a fake gateway that checks what the real one checks and counts
 * what it accepted. Killed with SIGKILL twice mid-run, each time after the gateway took a message
 * and before the worker recorded it, the workers still message each of 1,000 recipients exactly
 * once, resume rather than restart, and the progress shown by
 * {@code GET /api/broadcasts/{run}} (sampled throughout) never goes back. A cancel of the run stops
 * the sending within one second.
 */
class BroadcastKillTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_SECRET = "gateway-secret-0123456789";
    private static final String HOOK_SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());
    private static final int RECIPIENTS = 1_000;
    /** Fast enough for a short test, slow enough that a kill lands mid-run. */
    private static final String RATE = "100";

    private static ApiRole api;
    private static FakeWhatsAppGateway gateway;
    private static FakeWebhookReceiver receiver;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        api = ApiRole.start(ApiFixture.config(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl())), Map.of(),
                List.of());
        gateway = FakeWhatsAppGateway.start(GATEWAY_SECRET, Set.of("biz-a"));
        receiver = FakeWebhookReceiver.start(HOOK_SECRET);
        try (PostgresStore store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 1)) {
            store.webhookEndpoints().create("biz-a", URI.create(receiver.url()), Set.of("broadcast.finished"), HOOK_SECRET);
        }
    }

    @AfterAll
    static void stop() {
        api.close();
        gateway.close();
        receiver.close();
    }

    private static ChildJvm worker() {
        return ChildJvm.start(WorkerRole.class.getName(), Map.ofEntries(
                Map.entry("SERVICE_ROLE", "worker"), Map.entry("REDIS_URL", redis.url()),
                Map.entry("DATABASE_URL", postgres.databaseUrl()), Map.entry("RQ_QUEUES", "default,broadcasts"),
                // A dead worker's broadcast is back on its queue about a second after the kill.
                Map.entry("WORKER_LEASE", "1s"), Map.entry("WORKER_MAX_LEASE_EXPIRIES", "100"),
                Map.entry("WHATSAPP_GATEWAY_URL", gateway.url()), Map.entry("WHATSAPP_GATEWAY_SECRET", GATEWAY_SECRET),
                Map.entry("BROADCAST_RATE", RATE),
                // The webhook receiver listens on loopback over plain http: the development policy.
                Map.entry("OUTBOUND_ALLOW_PRIVATE", "true"), Map.entry("OUTBOUND_ALLOW_HTTP", "true"),
                Map.entry("LOG_LEVEL", "WARN")));
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ApiFixture.BIZ_A_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Starts a broadcast of {@code RECIPIENTS} numbers whose block {@code series} keeps runs apart. */
    private static String broadcast(String runId, int series) {
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            phones.add(String.format("+55%d1%08d", series, i));
        }
        HttpResponse<String> response = call("POST", "/api/broadcasts", JSON.createObjectNode().put("run_id", runId)
                .put("message", "Black Friday: 30% off").set("recipients", JSON.valueToTree(phones)).toString());
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(RECIPIENTS, json(response).path("total").asInt());
        return json(response).path("job_id").asText();
    }

    private static long sentTo(int series) {
        String prefix = "55" + series + "1";
        return gateway.sent().stream().filter(s -> s.to().startsWith(prefix)).count();
    }

    /** GET /api/broadcasts/{run} every few milliseconds until stopped: what a progress bar would show. */
    private static final class Sampler implements AutoCloseable {
        final List<JsonNode> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sampler(String runId) {
            thread = Thread.ofVirtual().name("broadcast-sampler").start(() -> {
                while (running.get()) {
                    HttpResponse<String> response = call("GET", "/api/broadcasts/" + runId, null);
                    if (response.statusCode() == 200) {
                        samples.add(json(response));
                    }
                    sleep(20);
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(Duration.ofSeconds(15));
        }
    }

    @Test
    void aThousandRecipientsThroughTwoKilledWorkersAreEachMessagedOnceAndProgressNeverGoesBack() throws Exception {
        long startedAt = System.nanoTime();
        int requestsBefore = gateway.requests();
        String jobId = broadcast("black-friday", 1);
        List<Long> sentAtKills = new ArrayList<>();
        List<ChildJvm> workers = new ArrayList<>();
        try (Sampler sampler = new Sampler("black-friday")) {
            try {
                // A spare worker is always up, so a kill costs the lease (a second), not a JVM start;
                // the first spare starts once sending has, not to slow the first worker's start.
                workers.add(worker());
                await("the broadcast to start", Duration.ofSeconds(60), () -> sentTo(1) > 0, workers.getFirst());
                workers.add(worker());
                for (long killAt : new long[] {250, 600}) {
                    await("the broadcast to reach " + killAt + " messages", Duration.ofSeconds(60),
                            () -> sentTo(1) >= killAt, workers.getLast());
                    // The worst moment: the gateway has taken the next message, and the worker,
                    // waiting for the answer, has not recorded it. Its successor must not send it again.
                    long taken = sentTo(1);
                    gateway.answerLate(1, Duration.ofSeconds(5));
                    await("the gateway to take a message it answers late", Duration.ofSeconds(10),
                            () -> sentTo(1) > taken, workers.getLast());
                    ChildJvm holder = holderOf(jobId, workers);
                    holder.kill9();
                    sentAtKills.add(sentTo(1));
                    workers.remove(holder);
                    workers.add(worker());
                    System.out.println("broadcast kill test: killed worker " + holder.pid() + " at "
                            + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
                }
                await("the run to complete", Duration.ofSeconds(40), () -> "completed".equals(
                        json(call("GET", "/api/broadcasts/black-friday", null)).path("state").asText()), workers.getFirst());
                // A live worker also delivers the run's broadcast.finished.
                await("broadcast.finished", Duration.ofSeconds(15), () -> receiver.accepted().values().stream()
                        .anyMatch(body -> body.contains("\"run_id\":\"black-friday\"")), workers.getFirst());
            } finally {
                workers.forEach(ChildJvm::close);
            }
            Thread.sleep(100);
            sampler.close();

            Map<String, Long> perRecipient = gateway.sendsPerRecipient();
            long reached = perRecipient.keySet().stream().filter(to -> to.startsWith("5511")).count();
            assertEquals(RECIPIENTS, reached, "every recipient got the message");
            List<String> twice = perRecipient.entrySet().stream().filter(e -> e.getKey().startsWith("5511") && e.getValue() != 1)
                    .map(Map.Entry::getKey).toList();
            assertTrue(twice.isEmpty(), "messaged more than once: " + twice);
            assertEquals(0, gateway.refused(), "the gateway refused nothing for its secret or shape");
            assertTrue(sentAtKills.getFirst() < RECIPIENTS && sentAtKills.getLast() < RECIPIENTS,
                    "both kills landed mid-run: " + sentAtKills);
            int requests = gateway.requests() - requestsBefore;
            assertTrue(requests >= RECIPIENTS + 2, "each kill left a message taken but unrecorded, asked for again"
                    + " (and answered as a duplicate): " + requests + " requests");
            assertTrue(requests <= RECIPIENTS + 10, "each new worker resumed where the dead one stopped, asking again"
                    + " only for what was in flight: " + requests + " requests for " + RECIPIENTS + " recipients");

            JsonNode finished = json(call("GET", "/api/broadcasts/black-friday", null));
            assertEquals(RECIPIENTS, finished.path("sent").asInt());
            assertEquals(0, finished.path("failed").asInt());
            assertEquals(0, finished.path("remaining").asInt());
            assertEquals(100, finished.path("progress").asInt());

            List<JsonNode> samples = sampler.samples;
            assertTrue(samples.size() > 50, "sampled throughout: " + samples.size());
            for (int i = 1; i < samples.size(); i++) {
                JsonNode before = samples.get(i - 1);
                JsonNode after = samples.get(i);
                assertTrue(after.path("progress").asInt() >= before.path("progress").asInt()
                                && after.path("sent").asInt() >= before.path("sent").asInt()
                                && after.path("remaining").asInt() <= before.path("remaining").asInt(),
                        "went back between samples " + (i - 1) + " and " + i + ": " + before + " then " + after);
            }
            assertTrue(samples.stream().anyMatch(s -> s.path("progress").asInt() > 0 && s.path("progress").asInt() < 100),
                    "progress was seen moving");
            System.out.println("broadcast kill test: " + RECIPIENTS + " recipients, killed at " + sentAtKills + " sent, "
                    + requests + " gateway requests, " + samples.size() + " progress samples, "
                    + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
        }
        JsonNode event = JSON.readTree(receiver.accepted().values().stream()
                .filter(body -> body.contains("\"run_id\":\"black-friday\"")).findFirst().orElseThrow());
        assertEquals("completed", event.path("data").path("status").asText());
        assertEquals(RECIPIENTS, event.path("data").path("sent").asInt());
    }

    @Test
    void cancellingTheRunStopsTheSendingWithinOneSecond() throws Exception {
        String jobId = broadcast("flash-sale", 2);
        try (ChildJvm worker = worker()) {
            await("the broadcast to be under way", Duration.ofSeconds(40), () -> sentTo(2) >= 100, worker);
            long cancelledAt = System.nanoTime();
            HttpResponse<String> cancel = call("POST", "/api/runs/flash-sale/cancel", null);
            assertEquals(200, cancel.statusCode(), cancel.body());
            assertEquals(1, json(cancel).path("canceled").asInt());
            long sentAtCancel = sentTo(2);
            sleep(Math.max(0, 1000 - (System.nanoTime() - cancelledAt) / 1_000_000));
            long sentAfterOneSecond = sentTo(2);
            sleep(1500);
            long sentLater = sentTo(2);
            assertEquals(sentAfterOneSecond, sentLater, "still sending more than a second after the cancel (sent "
                    + sentAtCancel + " at the cancel, " + sentAfterOneSecond + " a second later, " + sentLater
                    + " then)\n" + worker.output());
            assertTrue(sentLater < RECIPIENTS, "stopped before the end: " + sentLater);

            JsonNode shown = json(call("GET", "/api/broadcasts/flash-sale", null));
            assertEquals("cancelled", shown.path("state").asText(), shown.toString());
            // The one message in flight when the cancel interrupted the worker went out unrecorded.
            long remaining = shown.path("remaining").asLong();
            assertTrue(remaining == RECIPIENTS - sentLater || remaining == RECIPIENTS - sentLater + 1,
                    sentLater + " sent at the gateway, " + shown);
            await("the job to be settled as canceled", Duration.ofSeconds(10),
                    () -> "canceled".equals(redis.commands().hget("rq:job:" + jobId, "status")), worker);
            System.out.println("broadcast cancel test: " + sentAtCancel + " sent at the cancel, "
                    + (sentLater - sentAtCancel) + " more after it");
        }
        await("broadcast.finished (cancelled)", Duration.ofSeconds(15), () -> receiver.accepted().values().stream()
                .anyMatch(body -> body.contains("\"run_id\":\"flash-sale\"") && body.contains("\"status\":\"cancelled\"")),
                null);
    }

    /** The worker process holding the job's lease now (its name carries its pid: host.pid.suffix). */
    private static ChildJvm holderOf(String jobId, List<ChildJvm> workers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String name = redis.commands().hget("rq:job:" + jobId, "worker_name");
            if (name != null && "started".equals(redis.commands().hget("rq:job:" + jobId, "status"))) {
                String[] parts = name.split("\\.");
                long pid = parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : -1;
                for (ChildJvm worker : workers) {
                    if (worker.pid() == pid) {
                        return worker;
                    }
                }
            }
            sleep(10);
        }
        throw new AssertionError("no worker of this test holds " + jobId);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition, ChildJvm worker) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + (worker == null ? "" : ":\n" + worker.output()));
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
