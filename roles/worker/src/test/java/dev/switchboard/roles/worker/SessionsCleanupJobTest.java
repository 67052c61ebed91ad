package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.domain.WhatsAppSessionsCleanupJob;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatModelException;
import dev.switchboard.ports.out.JobProgress;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.testsupport.PostgresFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code whatsapp_sessions_cleanup_job} over real PostgreSQL: idle sessions are summarized (the
 * summary lands on the lead, the session closes), active ones are left alone, a second run or two
 * runs at once summarize nothing twice, and an AI that is down fails the run visibly.
 */
class SessionsCleanupJobTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private PostgresStore store;

    @BeforeEach
    void open() {
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl(postgres.freshDatabase())), 4, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private JobHandler job(ChatModel chat) {
        JobCollaborators collaborators = TestCollaborators.of(store, request -> {
            throw new AssertionError("the cleanup enqueues nothing");
        }, clock).chat(chat).build();
        return new JobCatalogue(collaborators).handlerFor(WhatsAppSessionsCleanupJob.DEFINITION.name()).orElseThrow();
    }

    private static JobExecution execution() {
        return new JobExecution("whatsapp_sessions_cleanup_job@2026-11-30T1200Z", "whatsapp_sessions_cleanup_job",
                Map.of(), "_system", "trace", 1, JobProgress.NONE);
    }

    /** A lead with a conversation whose last message was {@code quietFor} ago. */
    private String leadWithConversation(String business, String phone, String name, Duration quietFor) {
        String lead = store.leads().upsert(new LeadContact(business, Optional.of(phone), Optional.empty(),
                Optional.empty(), Optional.of(name), "whatsapp")).lead().id();
        Instant last = NOW.minus(quietFor);
        Instant first = last.minusSeconds(60);
        store.messages().append(new ChatMessage(business, lead, phone + "-1", ChatMessage.Direction.INBOUND,
                "whatsapp", "conversation", Optional.of("Quanto custa?"), first, Optional.of(name)));
        store.messages().append(new ChatMessage(business, lead, phone + "-2", ChatMessage.Direction.OUTBOUND,
                "whatsapp", "text", Optional.of("Depende do plano."), first.plusSeconds(5), Optional.empty()));
        store.messages().append(new ChatMessage(business, lead, phone + "-3", ChatMessage.Direction.INBOUND,
                "whatsapp", "conversation", Optional.of("Quero o básico"), last, Optional.of(name)));
        store.whatsAppSessions().touch(business, lead, first);
        store.whatsAppSessions().touch(business, lead, last);
        return lead;
    }

    @Test
    void idleSessionsAreSummarizedOnTheLeadAndActiveOnesLeftOpen() throws Exception {
        String idle = leadWithConversation("biz-1", "+5511911110001", "Ana", Duration.ofMinutes(20));
        String active = leadWithConversation("biz-1", "+5511911110002", "Bia", Duration.ofMinutes(5));
        String otherBusiness = leadWithConversation("biz-2", "+5511911110001", "Cris", Duration.ofHours(2));

        Object result = job(new EmbeddedChatModel()).run(execution());

        assertEquals(Map.of("summarized", 2, "skipped", 0, "plain_summaries", 0), result);
        assertEquals(Optional.of("Ana sent 2 messages and got 1 answer. Last message: \"Quero o básico\"."),
                store.leads().find("biz-1", idle).orElseThrow().summary());
        assertEquals(Optional.empty(), store.leads().find("biz-1", active).orElseThrow().summary());
        assertTrue(store.leads().find("biz-2", otherBusiness).orElseThrow().summary().orElseThrow().startsWith("Cris"));
        assertEquals(List.of(active), store.whatsAppSessions().idle(NOW.plusSeconds(3600), 100).stream()
                .map(s -> s.leadId()).toList(), "only the active session is still open");
    }

    @Test
    void aSecondRunSummarizesNothingAgain() throws Exception {
        leadWithConversation("biz-1", "+5511911110003", "Ana", Duration.ofMinutes(20));
        AtomicInteger asked = new AtomicInteger();
        ChatModel counting = request -> {
            asked.incrementAndGet();
            return "Wants the basic plan.";
        };
        job(counting).run(execution());
        Object second = job(counting).run(execution());
        assertEquals(Map.of("summarized", 0, "skipped", 0, "plain_summaries", 0), second);
        assertEquals(1, asked.get());
    }

    @Test
    void twoRunsAtOnceCloseEachSessionOnce() throws Exception {
        for (int i = 0; i < 60; i++) {
            leadWithConversation("biz-1", "+55119222" + String.format("%05d", i), "Lead " + i, Duration.ofMinutes(30));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService runs = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                results.add(runs.submit(() -> {
                    start.await();
                    return job(new EmbeddedChatModel()).run(execution());
                }));
            }
            start.countDown();
            int summarized = 0;
            for (Future<Object> f : results) {
                summarized += (Integer) ((Map<?, ?>) f.get()).get("summarized");
            }
            assertEquals(60, summarized, "every session closed exactly once across both runs");
        } finally {
            runs.shutdownNow();
        }
        assertTrue(store.whatsAppSessions().idle(NOW.plusSeconds(3600), 100).isEmpty());
    }

    @Test
    void anAiThatIsDownFailsTheRunAndKeepsTheSessionOpen() {
        String lead = leadWithConversation("biz-1", "+5511911110004", "Ana", Duration.ofMinutes(20));
        ChatModel down = request -> {
            throw new ChatModelException("HTTP 503", true, Optional.empty());
        };
        assertThrows(dev.switchboard.ports.in.JobFailure.class, () -> job(down).run(execution()));
        assertEquals(Optional.empty(), store.leads().find("biz-1", lead).orElseThrow().summary());
        assertEquals(1, store.whatsAppSessions().idle(NOW, 100).size());
    }

    @Test
    void anAiThatRefusesGetsThePlainSummaryInstead() throws Exception {
        String lead = leadWithConversation("biz-1", "+5511911110005", "Ana", Duration.ofMinutes(20));
        ChatModel refusing = request -> {
            throw new ChatModelException("HTTP 400 (context_length_exceeded)", false, Optional.empty(), true);
        };
        Object result = job(refusing).run(execution());
        assertEquals(1, ((Map<?, ?>) result).get("plain_summaries"));
        assertTrue(store.leads().find("biz-1", lead).orElseThrow().summary().orElseThrow().startsWith("Ana sent 2"));
    }

    /**
     * A bad key (or an unknown model, or no quota) refuses every request: the run fails for good,
     * saying so, and no placeholder overwrites the lead's real summary; the session stays open for
     * the run after the fix.
     */
    @Test
    void anAiThatRefusesEveryRequestFailsTheRunAndOverwritesNoSummary() {
        String lead = leadWithConversation("biz-1", "+5511911110006", "Ana", Duration.ofMinutes(20));
        store.leads().saveSummary("biz-1", lead, "Ana wants solar panels for a tiled roof.");
        ChatModel badKey = request -> {
            throw new ChatModelException("HTTP 401 (invalid_api_key)", false, Optional.empty(), false);
        };
        dev.switchboard.ports.in.JobFailure failure = assertThrows(dev.switchboard.ports.in.JobFailure.class,
                () -> job(badKey).run(execution()));
        assertTrue(failure.getMessage().contains("AI_API_KEY"), failure.getMessage());
        assertEquals("Ana wants solar panels for a tiled roof.",
                store.leads().find("biz-1", lead).orElseThrow().summary().orElseThrow());
        assertEquals(1, store.whatsAppSessions().idle(NOW, 100).size());
    }
}
