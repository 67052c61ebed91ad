package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.JobRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The push, reminder and webhook job types: codecs, queues and keys. */
class NotificationJobsTest {

    private static JobExecution executionOf(JobRequest request) {
        return new JobExecution(request.jobId().orElse("job-1"), request.name(), request.kwargs(),
                request.businessId(), request.traceId(), 1, (percent, message) -> { });
    }

    @Test
    void aPushJobRoundTripsThroughItsKwargs() {
        PushSendJob.Args toUser = PushSendJob.Args.toUser("ana", "Lembrete", "Ligar às 15h", Optional.of("/leads/1"));
        PushSendJob.Args full = new PushSendJob.Args("ana", "t", "b", Optional.empty(), Optional.of(Duration.ofMinutes(15)),
                Optional.of("reminder-abc"), Optional.of("sub-1"), Optional.of(java.time.Instant.ofEpochSecond(1_800_000_000L)));
        for (PushSendJob.Args args : new PushSendJob.Args[] {toUser, full}) {
            JobRequest request = PushSendJob.DEFINITION.request(args, "biz-1", "t-1");
            assertEquals("default", request.queue());
            assertEquals(args, PushSendJob.DEFINITION.argsOf(executionOf(request)));
        }
    }

    @Test
    void aNotificationsPushesShareOneTopicSoARepeatReplacesAnUndeliveredCopy() {
        String topic = SendPushService.topicOf("biz-1", "n-1");
        assertEquals(topic, SendPushService.topicOf("biz-1", "n-1"));
        assertTrue(dev.switchboard.ports.out.PushNotification.TOPIC.matcher(topic).matches(), topic);
        assertEquals(32, topic.length());
        assertTrue(!topic.equals(SendPushService.topicOf("biz-1", "n-2")));
        // One browser subscribed for two businesses: the same id from each is two notifications.
        assertTrue(!topic.equals(SendPushService.topicOf("biz-2", "n-1")));
    }

    @Test
    void aWebhookJobCarriesItsBodyUnchanged() {
        String body = "{\"type\":\"reminder.sent\",\"data\":{\"text\":\"a \\\"quoted\\\" ☎\"}}";
        SendWebhookJob.Args args = new SendWebhookJob.Args("ep-1", "msg_1", "reminder.sent", body);
        assertEquals(args, SendWebhookJob.DEFINITION.argsOf(executionOf(SendWebhookJob.DEFINITION.request(args, "b", "t"))));
        assertEquals(9, SendWebhookJob.RETRY.intervals().size(), "one interval per retry");
    }

    @Test
    void periodicJobsRunOnTheirScheduledQueues() {
        for (PeriodicJob job : PeriodicJobs.table(java.time.ZoneOffset.UTC)) {
            JobCatalogue.definition(job.name()).ifPresent(d -> assertEquals(d.queue(), job.queue(), job.name()));
        }
        assertEquals(Queues.DEFAULT, RemindersTickJob.DEFINITION.queue());
        assertEquals(Queues.MAINTENANCE, RemindersCleanupJob.DEFINITION.queue());
    }

    @Test
    void keysKeepBusinessesRemindersAndOffsetsApart() {
        assertNotEquals(RemindersTickJob.pushKey("r-1", 30), RemindersTickJob.pushKey("r-1", 15));
        assertNotEquals(PushSendJob.subscriptionKey("a:b", "c"), PushSendJob.subscriptionKey("a", "b:c"));
        assertTrue(WebhookEvents.eventIdFor("x").matches("msg_[0-9a-f]{32}"), WebhookEvents.eventIdFor("x"));
        assertEquals(WebhookEvents.eventIdFor("x"), WebhookEvents.eventIdFor("x"));
        assertTrue(WebhookEvents.newEventId().matches("msg_[0-9a-f]{32}"));
    }

    @Test
    void eventBodiesAreValidJsonInMapOrder() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text", "line\nbreak \"q\" \\ \u0001");
        data.put("n", 15);
        data.put("none", null);
        data.put("ok", true);
        assertEquals("{\"text\":\"line\\nbreak \\\"q\\\" \\\\ \\u0001\",\"n\":15,\"none\":null,\"ok\":true}",
                JsonText.of(data));
    }
}
