package dev.switchboard.domain;

import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.JobRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job types: requests built from the type, and each codec reads back what it wrote. */
class JobDefinitionTest {

    private static JobExecution executionOf(JobRequest request) {
        return new JobExecution(request.jobId().orElse("job-1"), request.name(), request.kwargs(),
                request.businessId(), request.traceId(), 1, (percent, message) -> { });
    }

    @Test
    void aWebhookJobRoundTripsThroughItsKwargs() {
        IncomingWhatsAppMessage message = new IncomingWhatsAppMessage("123@lid",
                Optional.of("5511999990000@s.whatsapp.net"), Optional.empty(), "3EB0AB", false,
                Optional.of(Instant.ofEpochSecond(1_764_507_600L)), Optional.of("Ana"), "conversation", Optional.of("Oi"));
        WebhookProcessJob.Args args = new WebhookProcessJob.Args("biz-1", true, message);
        JobRequest request = WebhookProcessJob.DEFINITION.deduplicatedRequest(args, "biz-1", "t-1", "key-1",
                DedupeKeys.WHATSAPP_TTL);
        assertEquals("webhook_process_job", request.name());
        assertEquals("default", request.queue());
        assertEquals(WebhookProcessJob.DEFINITION.retry(), request.retry());
        assertEquals("key-1", request.dedupe().orElseThrow().key());
        assertTrue(request.jobId().isEmpty(), "the queue derives a keyed id from the dedupe key");
        assertEquals(args, WebhookProcessJob.DEFINITION.argsOf(executionOf(request)));
    }

    @Test
    void aSendJobRoundTripsThroughItsKwargs() {
        SendWhatsAppMessageJob.Args args = new SendWhatsAppMessageJob.Args("lead-1", "5511999990000@s.whatsapp.net",
                "Olá", Optional.empty());
        JobRequest request = SendWhatsAppMessageJob.DEFINITION.request(args, "biz-1", "t-1");
        assertTrue(request.jobId().isEmpty());
        assertEquals(args, SendWhatsAppMessageJob.DEFINITION.argsOf(executionOf(request)));
    }

    @Test
    void theHangUpJobIsOnePerCallOnHighAndRoundTripsThroughItsKwargs() {
        JobRequest request = HangupCallJob.request("biz-1", "t-1", "CA1", "no media for 10000 ms");
        assertEquals("hangup_call_job", request.name());
        assertEquals("high", request.queue());
        assertEquals("biz-1", request.businessId());
        assertEquals("twilio:CA1:hangup:hangup_call_job", request.dedupe().orElseThrow().key());
        assertEquals(new HangupCallJob.Args("CA1", Optional.of("no media for 10000 ms")),
                HangupCallJob.DEFINITION.argsOf(executionOf(request)));
        assertTrue(HangupCallJob.DEFINITION.retry().max() > 0, "a hang-up is retried: it is idempotent");
    }

    @Test
    void thePromptJobsRoundTripThroughTheirKwargs() {
        PrebuildPromptJob.Args args = new PrebuildPromptJob.Args("biz-1", "CA1", "outbound", Optional.of("+15550001111"),
                Optional.empty());
        JobRequest request = PrebuildPromptJob.forIncomingCall(args, "t-1");
        assertEquals("high", request.queue());
        assertEquals("twilio:CA1:voice:prebuild_prompt_job", request.dedupe().orElseThrow().key());
        assertEquals(args, PrebuildPromptJob.DEFINITION.argsOf(executionOf(request)));
        assertThrows(IllegalArgumentException.class, () -> new PrebuildPromptJob.Args("biz-1", "CA1", "sideways",
                Optional.empty(), Optional.empty()));
        assertEquals("low", WarmupAgentsJob.DEFINITION.queue());
        assertTrue(WarmupAgentsJob.BUSINESS_TTL.compareTo(java.time.Duration.ofMinutes(20)) > 0,
                "a business's prompt outlives two of the job's 10-minute slots");
    }

    @Test
    void aMalformedJobFailsNamingTheArgument() {
        JobRequest request = JobRequest.of("send_whatsapp_message_job", "default", java.util.Map.of("lead_id", 7),
                "biz-1", "t");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SendWhatsAppMessageJob.DEFINITION.argsOf(executionOf(request)));
        assertTrue(e.getMessage().contains("lead_id"), e.getMessage());
    }

    @Test
    void kwargsGivenAsDataAreDecodedAndReEncodedByTheJobsCodec() {
        java.util.Map<String, Object> given = new java.util.HashMap<>(java.util.Map.of("user_id", "u-1",
                "title", "Hi", "body", "There", "ttl_seconds", 60));
        given.put("topic", null);
        JobRequest request = PushSendJob.DEFINITION.requestFromKwargs(given, "biz-1", "t-1");
        assertEquals("push_send_job", request.name());
        assertEquals(PushSendJob.DEFINITION.queue(), request.queue());
        assertEquals(PushSendJob.DEFINITION.retry(), request.retry());
        assertEquals(java.util.Map.of("user_id", "u-1", "title", "Hi", "body", "There", "ttl_seconds", 60L),
                request.kwargs());
        assertEquals("biz-1", request.businessId());
    }

    @Test
    void kwargsGivenAsDataAreRefusedWhenMissingMistypedOrUnknown() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
                PushSendJob.DEFINITION.requestFromKwargs(java.util.Map.of("user_id", "u-1", "title", "Hi"), "b", "t"));
        assertTrue(missing.getMessage().contains("'body' is missing"), missing.getMessage());
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class, () ->
                PushSendJob.DEFINITION.requestFromKwargs(java.util.Map.of("user_id", 7, "title", "Hi", "body", "x"),
                        "b", "t"));
        assertTrue(mistyped.getMessage().contains("'user_id' must be a string"), mistyped.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
                RemindersTickJob.DEFINITION.requestFromKwargs(java.util.Map.of("limit", 5, "dry_run", true), "b", "t"));
        assertEquals("reminders_tick_job takes no arguments 'dry_run', 'limit'", unknown.getMessage());
    }

    @Test
    void theCatalogueNamesEveryJobTypeOnce() {
        Set<String> names = new HashSet<>();
        for (JobDefinition<?> definition : JobCatalogue.DEFINITIONS) {
            assertTrue(names.add(definition.name()), "twice: " + definition.name());
            assertTrue(definition.name().endsWith("_job"), definition.name());
        }
    }

    @Test
    void everyPeriodicJobOfTheTableHasAHandlerOnItsQueueAndTakesItsArguments() {
        List<PeriodicJob> runnable = PeriodicJobs.runnable(java.time.ZoneOffset.UTC);
        assertEquals(PeriodicJobs.table(java.time.ZoneOffset.UTC).stream().map(PeriodicJob::name).toList(),
                runnable.stream().map(PeriodicJob::name).toList(), "the scheduler leaves nothing out");
        for (PeriodicJob job : runnable) {
            JobDefinition<?> definition = JobCatalogue.definition(job.name()).orElseThrow();
            assertEquals(definition.queue(), job.queue(), job.name());
            definition.argsOf(new dev.switchboard.ports.in.JobExecution("slot", job.name(), job.kwargs(),
                    PeriodicJobs.SYSTEM_BUSINESS, "slot", 1, (p, m) -> { }));
        }
    }
}
