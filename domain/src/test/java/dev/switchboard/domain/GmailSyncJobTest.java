package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.GmailMessage;
import dev.switchboard.ports.out.JobRequest;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gmail sync job's codec, keys and header reading (its behaviour: roles/worker's GmailSyncJobTest). */
class GmailSyncJobTest {

    private static GmailSyncJob.Args roundTrip(GmailSyncJob.Args args) {
        JobRequest request = GmailSyncJob.DEFINITION.request(args, "biz-1", "t-1");
        assertEquals("low", request.queue());
        return GmailSyncJob.DEFINITION.argsOf(new JobExecution("job-1", request.name(), request.kwargs(),
                request.businessId(), request.traceId(), 1, (percent, message) -> { }));
    }

    @Test
    void bothShapesRoundTripAndTheSchedulersRowIsTheFanOut() {
        assertEquals(GmailSyncJob.Args.everyMailbox(), roundTrip(GmailSyncJob.Args.everyMailbox()));
        assertEquals(GmailSyncJob.Args.mailbox("c-1"), roundTrip(GmailSyncJob.Args.mailbox("c-1")));
        PeriodicJob row = PeriodicJobs.runnable(java.time.ZoneOffset.UTC).stream()
                .filter(j -> j.name().equals("gmail_sync_job")).findFirst().orElseThrow();
        assertEquals(GmailSyncJob.Args.everyMailbox(), GmailSyncJob.DEFINITION.argsOf(new JobExecution("slot", row.name(),
                row.kwargs(), PeriodicJobs.SYSTEM_BUSINESS, "slot", 1, (p, m) -> { })));
        assertTrue(JobCatalogue.names().contains("gmail_sync_job"));
    }

    @Test
    void fromHeadersYieldTheAddressAndTheDisplayName() {
        GmailSyncJob.Sender plain = GmailSyncJob.sender("maria@example.com").orElseThrow();
        assertEquals("maria@example.com", plain.address().value());
        assertEquals(Optional.empty(), plain.name());
        GmailSyncJob.Sender named = GmailSyncJob.sender("Maria Silva <Maria@Example.com>").orElseThrow();
        assertEquals("maria@example.com", named.address().key());
        assertEquals(Optional.of("Maria Silva"), named.name());
        assertEquals(Optional.of("Silva, Maria"),
                GmailSyncJob.sender("\"Silva, Maria\" <maria@example.com>").orElseThrow().name());
        assertEquals(Optional.empty(), GmailSyncJob.sender("undisclosed-recipients:;"));
        assertEquals(Optional.empty(), GmailSyncJob.sender("Maria <not an address>"));
        assertEquals(Optional.empty(), GmailSyncJob.sender(""));
    }

    @Test
    void aMailIsOneMessagePerMessageIdAcrossMailboxes() {
        GmailMessage withId = new GmailMessage("18c1f", "18c1f", List.of("INBOX"),
                Map.of("message-id", "<CAF=abc@mail.gmail.com>"), Instant.EPOCH, BigInteger.ONE);
        GmailMessage sameMailElsewhere = new GmailMessage("29d2e", "29d2e", List.of("INBOX"),
                Map.of("message-id", " <CAF=abc@mail.gmail.com> "), Instant.EPOCH, BigInteger.TWO);
        GmailMessage without = new GmailMessage("18c1f", "18c1f", List.of("INBOX"), Map.of(), Instant.EPOCH, BigInteger.ONE);
        assertEquals("email:CAF=abc@mail.gmail.com", GmailSyncJob.messageId(withId, "conn-1"));
        assertEquals(GmailSyncJob.messageId(withId, "conn-1"), GmailSyncJob.messageId(sameMailElsewhere, "conn-2"));
        assertEquals("gmail:conn-1:18c1f", GmailSyncJob.messageId(without, "conn-1"));
        assertNotEquals(GmailSyncJob.messageId(without, "conn-1"), GmailSyncJob.messageId(without, "conn-2"));
    }

    @Test
    void keysSeparateMailboxesSlotsAndConnects() {
        assertNotEquals(GmailSyncJob.fanOutKey("c-1", "gmail_sync_job@2026-11-30T1000Z"),
                GmailSyncJob.fanOutKey("c-1", "gmail_sync_job@2026-11-30T1005Z"));
        assertNotEquals(GmailSyncJob.fanOutKey("a:b", "c"), GmailSyncJob.fanOutKey("a", "b:c"));
        assertNotEquals(GmailSyncJob.connectKey("c-1", 1), GmailSyncJob.connectKey("c-1", 2));
    }

    @Test
    void eventIdsAreStablePerSubjectAndApartAcrossTypesAndBusinesses() {
        String id = WebhookEvents.eventIdFor(WebhookEvents.LEAD_CREATED, "biz-1", "lead-1");
        assertEquals(id, WebhookEvents.eventIdFor(WebhookEvents.LEAD_CREATED, "biz-1", "lead-1"));
        assertNotEquals(id, WebhookEvents.eventIdFor(WebhookEvents.MESSAGE_RECEIVED, "biz-1", "lead-1"));
        assertNotEquals(id, WebhookEvents.eventIdFor(WebhookEvents.LEAD_CREATED, "biz-2", "lead-1"));
        assertNotEquals(WebhookEvents.eventIdFor("t", "a:b", "c"), WebhookEvents.eventIdFor("t", "a", "b:c"));
    }
}
