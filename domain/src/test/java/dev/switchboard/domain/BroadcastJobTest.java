package dev.switchboard.domain;

import dev.switchboard.ports.in.InvalidCommandException;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.StartBroadcastCommand;
import dev.switchboard.ports.out.BroadcastAudience;
import dev.switchboard.ports.out.BroadcastRun;
import dev.switchboard.ports.out.BroadcastStatus;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.WebhookEndpoint;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code broadcast_job}'s type: codec, queue, run id and keys; what a broadcast command accepts. */
class BroadcastJobTest {

    @Test
    void theJobOfARunIsDeduplicatedPerBusinessAndRunAndCancellableByItsRunId() {
        JobRequest request = BroadcastJob.request("biz-1", "t-1", "promo-1");
        assertEquals("broadcast_job", request.name());
        assertEquals("broadcasts", request.queue());
        assertEquals(Optional.of("promo-1"), request.runId());
        assertEquals(BroadcastJob.DEFINITION.timeout(), request.timeout());
        assertEquals(new BroadcastJob.Args("promo-1"), BroadcastJob.DEFINITION.argsOf(new JobExecution("job-1",
                request.name(), request.kwargs(), "biz-1", "t-1", 1, (p, m) -> { })));
        assertNotEquals(BroadcastJob.request("biz-1", "t", "a:b").dedupe(), BroadcastJob.request("biz-1:a", "t", "b").dedupe());
        assertNotEquals(request.dedupe(), BroadcastJob.request("biz-2", "t-1", "promo-1").dedupe());
    }

    @Test
    void recipientsAreReachedByTheirPhoneJidOrPrivacyIdWithAKeyStableAcrossAttempts() {
        assertEquals("5511999990000@s.whatsapp.net", BroadcastJob.jid("+5511999990000"));
        assertEquals("123456789012345@lid", BroadcastJob.jid("123456789012345@lid"));
        assertEquals(BroadcastJob.clientMessageId("promo-1", "+5511999990000"),
                BroadcastJob.clientMessageId("promo-1", "+5511999990000"));
        assertNotEquals(BroadcastJob.clientMessageId("promo-1", "+5511999990000"),
                BroadcastJob.clientMessageId("promo-2", "+5511999990000"));
    }

    @Test
    void theFinishedEventGoesToEachSubscribedEndpointOnceWithTheRunsCounts() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        BroadcastRun run = new BroadcastRun("biz-1", "promo-1", "Oi", BroadcastStatus.COMPLETED, 10, 9, 1,
                Optional.of("job-1"), Optional.empty(), now, Optional.of(now), Optional.of(now));
        WebhookEndpoint endpoint = new WebhookEndpoint("ep-1", "biz-1", URI.create("https://hooks.example.com/x"),
                Set.of("broadcast.finished"), "whsec_x", true, now);
        List<JobRequest> requests = BroadcastJob.finishedEvent(List.of(endpoint), run, "t-1", now);
        assertEquals(1, requests.size());
        SendWebhookJob.Args args = SendWebhookJob.DEFINITION.argsOf(new JobExecution("j", requests.getFirst().name(),
                requests.getFirst().kwargs(), "biz-1", "t-1", 1, (p, m) -> { }));
        assertEquals("broadcast.finished", args.eventType());
        assertTrue(args.body().contains("\"status\":\"completed\""), args.body());
        assertTrue(args.body().contains("\"sent\":9"), args.body());
        assertTrue(args.body().contains("\"remaining\":0"), args.body());
        assertEquals(requests.getFirst().dedupe(), BroadcastJob.finishedEvent(List.of(endpoint), run, "t-2", now)
                .getFirst().dedupe(), "announced again, delivered once");
        assertTrue(BroadcastJob.finishedEvent(List.of(), run, "t-1", now).isEmpty());
    }

    @Test
    void aBroadcastCommandNormalizesPhonesAndRefusesWhatCannotBeSent() {
        StartBroadcastCommand command = new StartBroadcastCommand("biz-1", "t", Optional.empty(), "Oi",
                new BroadcastAudience.Recipients(List.of("5511999990000", "+5511999990000", "+14155550100")));
        assertEquals(new BroadcastAudience.Recipients(List.of("+5511999990000", "+14155550100")), command.audience());
        for (String phone : List.of("011999990000", "+55 11 99999", "12345", "+1234567890123456", "abc")) {
            InvalidCommandException e = assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand(
                    "biz-1", "t", Optional.empty(), "Oi", new BroadcastAudience.Recipients(List.of("+5511999990000", phone))));
            assertTrue(e.getMessage().contains("recipients[1]"), e.getMessage());
        }
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("biz-1", "t", Optional.empty(), "Oi",
                new BroadcastAudience.Recipients(List.of())));
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("biz-1", "t", Optional.empty(), "Oi",
                new BroadcastAudience.Recipients(Collections.nCopies(StartBroadcastCommand.MAX_RECIPIENTS + 1, "+5511999990000"))));
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("biz-1", "t", Optional.empty(),
                "x".repeat(4097), new BroadcastAudience.Recipients(List.of("+5511999990000"))));
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("biz-1", "t", Optional.of("a b"), "Oi",
                new BroadcastAudience.Recipients(List.of("+5511999990000"))));
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("_system", "t", Optional.empty(), "Oi",
                new BroadcastAudience.Recipients(List.of("+5511999990000"))));
        assertThrows(InvalidCommandException.class, () -> new StartBroadcastCommand("biz-1", "t", Optional.empty(), "Oi",
                new BroadcastAudience.LeadFilter(Optional.of("x'; DROP TABLE leads"), Optional.empty())));
    }
}
