package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobDefinition;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.domain.PrebuildPromptJob;
import dev.switchboard.domain.WarmupAgentsJob;
import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prompt jobs run by a real worker against real Redis and PostgreSQL: {@code prebuild_prompt_job}
 * fills the call's and its business's prompt from the store, {@code warmup_agents_job} the prompts
 * of the businesses that take calls; both idempotent, neither reading another business's data.
 */
class PromptJobsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String CALLER = "+5511988887777";
    private static final String OUR_NUMBER = "+5511999990000";

    private final String business = "biz-" + UUID.randomUUID();
    private final String other = "biz-" + UUID.randomUUID();
    private WorkerHarness worker;
    private PostgresStore store;
    private JobQueue queue;
    private PromptCache cache;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 4);
        store = worker.store;
        queue = worker.queue;
        cache = new RedisPromptCache(worker.connections);
        worker.start("prompt-worker", List.of("high", "default", "low"), 2,
                new JobCatalogue(worker.collaborators(Clock.systemUTC()).prompts(cache).build()));
        store.businesses().save(new Business(business, "Acme Solar", ZoneId.of("America/Sao_Paulo"),
                Optional.of("We install solar panels in São Paulo."), Map.of()));
        store.businesses().save(new Business(other, "Rival Telecom", ZoneId.of("Europe/Lisbon"),
                Optional.of("RIVAL-SECRET-PROMPT"), Map.of()));
    }

    @AfterEach
    void stop() {
        worker.close();
    }

    private static String sid() {
        return "CA" + UUID.randomUUID().toString().replace("-", "");
    }

    private Lead lead(String businessId, String name, String summary, String... messages) {
        Lead lead = store.leads().upsert(new LeadContact(businessId, Optional.of(CALLER), Optional.empty(), Optional.empty(),
                Optional.of(name), "whatsapp")).lead();
        store.leads().saveSummary(businessId, lead.id(), summary);
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        for (int i = 0; i < messages.length; i++) {
            store.messages().append(new ChatMessage(businessId, lead.id(), lead.id() + "-" + i,
                    i % 2 == 0 ? ChatMessage.Direction.INBOUND : ChatMessage.Direction.OUTBOUND, "whatsapp", "conversation",
                    Optional.of(messages[i]), at.plusSeconds(i), Optional.empty()));
        }
        return lead;
    }

    private EnqueueResult prebuild(String businessId, String callSid) {
        return queue.enqueue(PrebuildPromptJob.forIncomingCall(new PrebuildPromptJob.Args(businessId, callSid, "inbound",
                Optional.of(CALLER), Optional.of(OUR_NUMBER)), "t-1"));
    }

    private String status(EnqueueResult job) {
        return redis.commands().hget("rq:job:" + job.jobId(), "status");
    }

    private String raw(String key) {
        return redis.commands().get(key);
    }

    @Test
    void prebuildPutsTheKnownCallersPromptAndTheBusinessesIntoTheCache() throws Exception {
        Lead maria = lead(business, "Maria Silva", "Wants panels for a 40 m2 roof.",
                "Oi, quanto custa a instalação?", "Depende do telhado. Qual o tamanho?", "Uns 40 metros");
        String sid = sid();
        long enqueued = System.nanoTime();
        EnqueueResult job = prebuild(business, sid);
        await("the call's prompt", () -> cache.lookup(business, sid, Duration.ofSeconds(2)).call().isPresent());
        // Printed, not asserted: how long Twilio's stream may take to open before the prompt is there.
        System.out.printf("prebuild_prompt_job: the call's prompt readable %d ms after the webhook's enqueue%n",
                (System.nanoTime() - enqueued) / 1_000_000);
        await("the prompt job", () -> "finished".equals(status(job)));

        PromptCache.Lookup found = cache.lookup(business, sid, Duration.ofSeconds(2));
        VoicePrompt call = found.call().orElseThrow();
        assertEquals(Optional.of(maria.id()), call.leadId());
        assertEquals(Optional.of("Maria Silva"), call.leadName());
        assertEquals("Acme Solar", call.businessName());
        String s = call.systemPrompt();
        assertTrue(s.contains("phone agent of Acme Solar") && s.contains("We install solar panels in São Paulo.")
                && s.contains("America/Sao_Paulo"), s);
        assertTrue(s.contains("Maria Silva") && s.contains("Wants panels for a 40 m2 roof."), s);
        assertTrue(s.contains("customer (whatsapp): \"Oi, quanto custa a instalação?\"")
                && s.contains("business (whatsapp): \"Depende do telhado. Qual o tamanho?\"")
                && s.contains("customer (whatsapp): \"Uns 40 metros\""), s);
        VoicePrompt ofBusiness = found.business().orElseThrow();
        assertEquals(Optional.empty(), ofBusiness.leadId());
        assertFalse(ofBusiness.systemPrompt().contains("Maria"), "the business's prompt knows no caller");
        long pttl = redis.commands().pttl("switchboard:prompt:" + business + ":call:" + sid);
        assertTrue(pttl > 0 && pttl <= PrebuildPromptJob.CALL_TTL.toMillis(), "pttl " + pttl);
        assertTrue(redis.commands().pttl("switchboard:prompt:" + business + ":_") > PrebuildPromptJob.CALL_TTL.toMillis());
    }

    @Test
    void aCallerWhoIsNoLeadYetGetsTheBusinessesPromptAndAnUnknownBusinessIsNotCreated() throws Exception {
        String sid = sid();
        EnqueueResult job = prebuild(business, sid);
        await("the prompt job", () -> "finished".equals(status(job)));
        PromptCache.Lookup found = cache.lookup(business, sid, Duration.ofSeconds(2));
        assertEquals(found.business(), found.call(), "no lead: the call's prompt is the business's");
        assertTrue(store.leads().findByPhone(business, CALLER).isEmpty(), "the job creates no lead");

        String unknown = "biz-" + UUID.randomUUID();
        EnqueueResult second = prebuild(unknown, sid());
        await("the prompt job", () -> "finished".equals(status(second)));
        assertTrue(store.businesses().find(unknown).isEmpty(), "reads only: no business row made");
        assertTrue(cache.lookup(unknown, "CA-none", Duration.ofSeconds(2)).business().orElseThrow().systemPrompt()
                .contains("phone agent of " + unknown));
    }

    @Test
    void runningThePrebuildAgainWritesTheSamePromptsAndRenewsThem() throws Exception {
        lead(business, "Maria Silva", "A summary.", "Hello");
        String sid = sid();
        EnqueueResult first = prebuild(business, sid);
        await("the prompt job", () -> "finished".equals(status(first)));
        String callKey = "switchboard:prompt:" + business + ":call:" + sid;
        String businessKey = "switchboard:prompt:" + business + ":_";
        String call = raw(callKey);
        String ofBusiness = raw(businessKey);
        assertTrue(prebuild(business, sid) instanceof EnqueueResult.Duplicate, "the webhook's retry makes no second job");

        redis.commands().pexpire(callKey, 60_000);
        // A rerun (at-least-once: the worker died after the work): the same kwargs, another job.
        EnqueueResult rerun = queue.enqueue(PrebuildPromptJob.DEFINITION.request(new PrebuildPromptJob.Args(business, sid,
                "inbound", Optional.of(CALLER), Optional.of(OUR_NUMBER)), business, "t-2"));
        await("the rerun", () -> "finished".equals(status(rerun)));
        assertEquals(call, raw(callKey), "byte for byte");
        assertEquals(ofBusiness, raw(businessKey));
        assertTrue(redis.commands().pttl(callKey) > 60_000, "the TTL was renewed");
    }

    @Test
    void aPromptNeverHoldsAnotherBusinessesData() throws Exception {
        // The same phone is a lead of the other business, with its own name, summary and messages.
        lead(other, "RIVAL-LEAD-NAME", "RIVAL-SUMMARY", "RIVAL-MESSAGE");
        String sid = sid();
        EnqueueResult job = prebuild(business, sid);
        await("the prompt job", () -> "finished".equals(status(job)));
        String all = raw("switchboard:prompt:" + business + ":call:" + sid) + raw("switchboard:prompt:" + business + ":_");
        for (String secret : List.of("RIVAL", "Rival Telecom", "Europe/Lisbon")) {
            assertFalse(all.contains(secret), secret + " leaked: " + all);
        }
        assertTrue(redis.commands().keys("switchboard:prompt:" + other + ":*").isEmpty(), "nothing written for the other");

        // A job whose arguments name another business than the job's own fails at once, writing nothing.
        String smuggledSid = sid();
        EnqueueResult smuggled = queue.enqueue(JobRequest.of("prebuild_prompt_job", "high",
                PrebuildPromptJob.forIncomingCall(new PrebuildPromptJob.Args(other, smuggledSid, "inbound",
                        Optional.of(CALLER), Optional.empty()), "t").kwargs(), business, "t"));
        await("the smuggled job to fail", () -> "failed".equals(status(smuggled)));
        assertTrue(redis.commands().keys("switchboard:prompt:*" + smuggledSid).isEmpty());
    }

    @Test
    void theWarmupKeepsThePromptsOfTheBusinessesThatTakeCallsAndOnlyThose() throws Exception {
        String idle = "biz-" + UUID.randomUUID();
        String never = "biz-" + UUID.randomUUID();
        store.businesses().save(new Business(idle, "Idle Ltd", ZoneId.of("UTC"), Optional.empty(), Map.of()));
        store.businesses().save(new Business(never, "Never Ltd", ZoneId.of("UTC"), Optional.empty(), Map.of()));
        Instant now = Instant.now();
        call(business, now.minus(Duration.ofDays(1)));
        call(other, now.minus(Duration.ofDays(29)));
        call(idle, now.minus(WarmupAgentsJob.RECENT).minus(Duration.ofDays(1)));

        EnqueueResult job = warmup("warmup_agents_job@2026-12-01T1000Z");
        await("the warm-up", () -> "finished".equals(status(job)));
        assertEquals(List.of(business, other).stream().sorted().toList(),
                redis.commands().keys("switchboard:prompt:*").stream().sorted().map(k -> k.split(":")[2]).toList());
        VoicePrompt acme = cache.lookup(business, "CA-any", Duration.ofSeconds(2)).business().orElseThrow();
        assertTrue(acme.systemPrompt().contains("We install solar panels") && !acme.systemPrompt().contains("RIVAL"));
        VoicePrompt rival = cache.lookup(other, "CA-any", Duration.ofSeconds(2)).business().orElseThrow();
        assertTrue(rival.systemPrompt().contains("RIVAL-SECRET-PROMPT") && !rival.systemPrompt().contains("solar"));
        long pttl = redis.commands().pttl("switchboard:prompt:" + business + ":_");
        assertTrue(pttl > Duration.ofMinutes(20).toMillis() && pttl <= WarmupAgentsJob.BUSINESS_TTL.toMillis(), "pttl " + pttl);

        // The next slot: the same prompts again, renewed; a business's new instructions are picked up.
        String before = raw("switchboard:prompt:" + other + ":_");
        store.businesses().save(new Business(business, "Acme Solar", ZoneId.of("America/Sao_Paulo"),
                Optional.of("Now also batteries."), Map.of()));
        EnqueueResult next = warmup("warmup_agents_job@2026-12-01T1010Z");
        await("the next warm-up", () -> "finished".equals(status(next)));
        assertEquals(before, raw("switchboard:prompt:" + other + ":_"));
        assertTrue(cache.lookup(business, "CA-any", Duration.ofSeconds(2)).business().orElseThrow().systemPrompt()
                .contains("Now also batteries."));
    }

    private void call(String businessId, Instant startedAt) {
        store.callLogs().open(new CallLogStart(businessId, sid(), "inbound", Optional.of(CALLER), Optional.of(OUR_NUMBER),
                Optional.empty(), startedAt));
    }

    /** The scheduler's request for one slot, as it enqueues it. */
    private EnqueueResult warmup(String slotJobId) {
        return queue.enqueue(WarmupAgentsJob.DEFINITION.request(new JobDefinition.NoArgs(), PeriodicJobs.SYSTEM_BUSINESS,
                slotJobId));
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
