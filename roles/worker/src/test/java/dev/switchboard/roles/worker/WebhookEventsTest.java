package dev.switchboard.roles.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.http.HttpWhatsAppGateway;
import dev.switchboard.adapters.http.StandardWebhookSignature;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.domain.DedupeKeys;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.domain.WebhookProcessJob;
import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobProgress;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.FakeWhatsAppGateway;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lead.created}, {@code message.received} and {@code message.sent}: published by the jobs
 * that make them happen, run by a real worker against real PostgreSQL and Redis, a fake WhatsApp
 * gateway and webhook receivers that verify every Standard Webhooks signature. Each event must
 * arrive once, also when the jobs that published it run again (a rerun after a crash, a retry).
 */
class WebhookEventsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());
    private static final String OTHER_SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());
    private static final String GATEWAY_SECRET = "gateway-secret-0123456789abcdef0123456789";

    private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(SECRET);
    private final FakeWebhookReceiver leadsOnly = FakeWebhookReceiver.start(OTHER_SECRET);
    private final FakeWhatsAppGateway gateway = FakeWhatsAppGateway.start(GATEWAY_SECRET, Set.of());
    private final String business = "biz-" + UUID.randomUUID();
    private WorkerHarness worker;
    private PostgresStore store;
    private RedisConnections connections;
    private JobQueue queue;
    private JobCatalogue catalogue;
    /** Answers the way the embedded model does, counting every answer the jobs paid for. */
    private final java.util.concurrent.atomic.AtomicInteger aiAnswers = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        connections = worker.connections;
        queue = worker.queue;
        Clock clock = Clock.systemUTC();
        JobCollaborators collaborators = worker.collaborators(clock)
                .whatsApp(new HttpWhatsAppGateway(new HttpWhatsAppGateway.Settings(URI.create(gateway.url()),
                        GATEWAY_SECRET, Duration.ofSeconds(5)), worker.http, clock))
                .webhooks(worker.webhooks(clock))
                .chat(request -> {
                    aiAnswers.incrementAndGet();
                    return new EmbeddedChatModel().complete(request);
                })
                .build();
        catalogue = new JobCatalogue(collaborators);
        worker.start("events-worker", List.of("default"), 4, catalogue);
    }

    @AfterEach
    void stop() {
        worker.close();
        receiver.close();
        leadsOnly.close();
        gateway.close();
    }

    private void subscribe() {
        store.webhookEndpoints().create(business, URI.create(receiver.url()),
                Set.of("lead.created", "message.received", "message.sent"), SECRET);
        store.webhookEndpoints().create(business, URI.create(leadsOnly.url()), Set.of("lead.created"), OTHER_SECRET);
    }

    private static IncomingWhatsAppMessage message(String id, boolean fromMe, String text) {
        return new IncomingWhatsAppMessage("5511999990000@s.whatsapp.net", Optional.empty(), Optional.empty(), id, fromMe,
                Optional.of(Instant.now()), Optional.of("Maria Silva"), "conversation", Optional.of(text));
    }

    /** A webhook_process_job as the api enqueues it; returns its id once a worker finished it. */
    private String process(IncomingWhatsAppMessage message, boolean live) throws InterruptedException {
        String id = queue.enqueue(WebhookProcessJob.DEFINITION.deduplicatedRequest(
                new WebhookProcessJob.Args(business, live, message), business, "trace-" + message.id(),
                DedupeKeys.whatsAppMessage(business, message.remoteJid(), message.id()), DedupeKeys.WHATSAPP_TTL)).jobId();
        awaitFinished(id);
        return id;
    }

    /** The job runs again as a worker would after its first attempt died: same id, kwargs, business. */
    private void rerun(String jobId, int attempt) throws Exception {
        JobView job = new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), jobId).orElseThrow();
        catalogue.handlerFor(job.name()).orElseThrow().run(new JobExecution(job.id(), job.name(), job.kwargs(),
                job.businessId(), job.traceId(), attempt, JobProgress.NONE));
    }

    private String replyJobOf(String webhookJobId) {
        JobView job = new RedisJobInspection(connections, Clock.systemUTC()).find(BusinessScope.all(), webhookJobId)
                .orElseThrow();
        return String.valueOf(((Map<?, ?>) job.result().orElseThrow()).get("reply_job_id"));
    }

    /** Event type to how many verified deliveries the receiver answered 2xx, per event id. */
    private static Map<String, List<Long>> deliveriesByType(FakeWebhookReceiver at) throws Exception {
        Map<String, List<Long>> out = new TreeMap<>();
        Map<String, Long> perId = at.attempts().stream().filter(a -> a.answered() == 200)
                .collect(Collectors.groupingBy(FakeWebhookReceiver.Attempt::webhookId, Collectors.counting()));
        for (Map.Entry<String, String> accepted : at.accepted().entrySet()) {
            String type = JSON.readTree(accepted.getValue()).path("type").asText();
            out.computeIfAbsent(type, t -> new ArrayList<>()).add(perId.get(accepted.getKey()));
        }
        return out;
    }

    @Test
    void eachEventReachesTheVerifyingReceiverOnceAndRerunsDeliverNothingTwice() throws Exception {
        subscribe();
        String first = process(message("3EB0A1", false, "Oi, quanto custa?"), true);
        String second = process(message("3EB0A2", false, "E a instalação?"), true);
        process(message("3EB0A3", true, "Sent from the business's phone"), true);
        process(message("3EB0A4", false, "An old message from history sync"), false);
        await("two replies sent", () -> gateway.sent().size() == 2);
        await("six events", () -> receiver.accepted().size() == 5 && leadsOnly.accepted().size() == 1);
        assertEquals(2, aiAnswers.get(), "one AI answer per message in");

        // Every job that published runs again, as after a crash: the events are the same events.
        for (int attempt = 2; attempt <= 3; attempt++) {
            rerun(first, attempt);
            rerun(second, attempt);
            rerun(replyJobOf(first), attempt);
            rerun(replyJobOf(second), attempt);
        }
        drain();

        assertEquals(Map.of("lead.created", List.of(1L), "message.received", List.of(1L, 1L),
                "message.sent", List.of(1L, 1L)), deliveriesByType(receiver),
                "one lead, two messages in, two replies out; each delivered once: " + receiver.attempts());
        assertEquals(Map.of("lead.created", List.of(1L)), deliveriesByType(leadsOnly), "only what it subscribed to");
        assertEquals(2, gateway.sent().size(), "the reruns sent no reply twice");
        assertEquals(2, aiAnswers.get(), "the reruns found the queued replies and did not pay for the AI again");

        JsonNode created = JSON.readTree(leadsOnly.accepted().values().iterator().next());
        assertEquals("+5511999990000", created.path("data").path("phone").asText());
        assertEquals("Maria Silva", created.path("data").path("name").asText());
        Map<String, List<JsonNode>> byType = new TreeMap<>();
        for (String body : receiver.accepted().values()) {
            JsonNode event = JSON.readTree(body);
            byType.computeIfAbsent(event.path("type").asText(), t -> new ArrayList<>()).add(event);
        }
        assertEquals(Set.of("3EB0A1", "3EB0A2"), byType.get("message.received").stream()
                .map(e -> e.path("data").path("message_id").asText()).collect(Collectors.toSet()));
        JsonNode reply = byType.get("message.sent").getFirst();
        assertEquals("whatsapp", reply.path("data").path("channel").asText());
        assertEquals("5511999990000@s.whatsapp.net", reply.path("data").path("to").asText());
        assertTrue(Set.of("3EB0A1", "3EB0A2").contains(reply.path("data").path("in_reply_to").asText()));
        assertEquals(created.path("data").path("lead_id").asText(), reply.path("data").path("lead_id").asText());
    }

    @Test
    void aRerunAfterAnAttemptThatDiedBeforePublishingStillPublishesEachEventOnce() throws Exception {
        // The first attempts wrote the lead, the message and the reply, and "died" before
        // publishing: there was nowhere to publish to yet.
        String job = process(message("3EB0B1", false, "Oi!"), true);
        await("the reply", () -> gateway.sent().size() == 1);
        drain();
        subscribe();
        assertTrue(receiver.accepted().isEmpty());

        for (int attempt = 2; attempt <= 4; attempt++) {
            rerun(job, attempt);
            rerun(replyJobOf(job), attempt);
        }
        await("the three events", () -> receiver.accepted().size() == 3 && leadsOnly.accepted().size() == 1);
        drain();
        assertEquals(Map.of("lead.created", List.of(1L), "message.received", List.of(1L), "message.sent", List.of(1L)),
                deliveriesByType(receiver), receiver.attempts().toString());
        assertEquals(1, gateway.sent().size());

        // A later message of the same lead is news, its lead is not.
        process(message("3EB0B2", false, "Ainda aí?"), true);
        await("its message.received and the reply's message.sent", () -> receiver.accepted().size() == 5);
        drain();
        assertEquals(Map.of("lead.created", List.of(1L), "message.received", List.of(1L, 1L),
                "message.sent", List.of(1L, 1L)), deliveriesByType(receiver));
    }

    /** Until every queued job (the deliveries) has run, then a moment for stray duplicates to show. */
    private void drain() throws InterruptedException {
        await("the default queue to drain", () -> redis.commands().llen("rq:queue:default") == 0
                && redis.commands().zcard("rq:wip:default") == 0 && redis.commands().zcard("rq:scheduled:default") == 0);
        Thread.sleep(300);
    }

    private void awaitFinished(String jobId) throws InterruptedException {
        await("job " + jobId + " to finish", () -> "finished".equals(redis.commands().hget("rq:job:" + jobId, "status")));
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
