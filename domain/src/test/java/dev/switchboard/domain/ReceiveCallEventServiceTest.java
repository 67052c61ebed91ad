package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import org.junit.jupiter.api.Test;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStoreUnavailableException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each call event leads to: which job, with which arguments and dedupe key. The requests are
 * collected here; that they reach Redis is {@code TwilioWebhookTest}'s (roles/api) concern.
 */
class ReceiveCallEventServiceTest {
    private static final String SID = "CA0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final List<JobRequest> enqueued = new ArrayList<>();
    private boolean redisDown;
    private final ReceiveCallEventService service = new ReceiveCallEventService(
            new BusinessPhoneNumbers(Map.of("+15550001111", "biz-1", "+15550002222", "biz-2")), request -> {
                if (redisDown) {
                    throw new JobStoreUnavailableException("Redis unavailable during enqueue", null);
                }
                enqueued.add(request);
                return new EnqueueResult.Enqueued("job-" + enqueued.size());
            }, Clock.fixed(NOW, ZoneOffset.UTC));

    private static CallParties inbound(String to) {
        return new CallParties(Optional.of("+15557770000"), Optional.of(to), Optional.of("inbound"));
    }

    private ReceiveCallEventResult receive(dev.switchboard.ports.in.CallEvent event, String businessIdInUrl) {
        return service.receive(new ReceiveCallEventCommand(event, Optional.ofNullable(businessIdInUrl), "trace-1"));
    }

    private static CallStatusChanged status(String status) {
        return new CallStatusChanged(SID, inbound("+15550001111"), status, Optional.of(42L), Optional.of(3L),
                Optional.empty());
    }

    private static RecordingStatusChanged recording(String status) {
        return new RecordingStatusChanged(SID, "RE0123456789abcdef0123456789abcdef", status,
                Optional.of("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"), Optional.of(31L),
                Optional.of(1L), Optional.of("StartCallRecordingAPI"));
    }

    @Test
    void aStartedCallIsConnectedToTheMediaStreamOfItsBusiness() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15550001111"), Optional.of("ringing")), null);

        ReceiveCallEventResult.ConnectToMediaStream connect =
                assertInstanceOf(ReceiveCallEventResult.ConnectToMediaStream.class, result);
        assertEquals("biz-1", connect.businessId());
        assertEquals(List.of(new EnqueueResult.Enqueued("job-1")), connect.jobs(),
                "the prompt's job only: the call log and lead are the calls role's, at the stream's start");
        assertEquals(List.of("CallSid", "From", "To", "Direction", "BusinessId", "TraceId"),
                List.copyOf(connect.streamParameters().keySet()));
        assertEquals("biz-1", connect.streamParameters().get("BusinessId"));
        assertEquals(Optional.empty(), connect.warning());
        assertTrue(connect.record(), "an inbound call is recorded");

        JobRequest prompt = enqueued.getFirst();
        assertEquals("prebuild_prompt_job", prompt.name());
        assertEquals("high", prompt.queue(), "before the caller speaks");
        assertEquals("biz-1", prompt.businessId());
        assertEquals("trace-1", prompt.traceId());
        assertEquals("twilio:" + SID + ":voice:prebuild_prompt_job", prompt.dedupe().orElseThrow().key(),
                "one per call however often Twilio retries the webhook");
        assertEquals(Map.of("business_id", "biz-1", "call_sid", SID, "direction", "inbound",
                "from_number", "+15557770000", "to_number", "+15550001111"), prompt.kwargs());
    }

    @Test
    void aCallWePlacedPreparesThePromptForTheNumberWeCalled() {
        receive(new CallStarted(SID, new CallParties(Optional.of("+15550002222"), Optional.of("+15557770000"),
                Optional.of("outbound-api")), Optional.empty()), null);
        PrebuildPromptJob.Args args = PrebuildPromptJob.DEFINITION.argsOf(new JobExecution("j", "prebuild_prompt_job",
                enqueued.getFirst().kwargs(), "biz-2", "t", 1, (p, m) -> { }));
        assertEquals("biz-2", args.businessId());
        assertEquals("outbound", args.direction());
        assertEquals(Optional.of("+15557770000"), args.otherParty(), "the lead is the number we called");
    }

    @Test
    void withRedisDownTheCallIsStillConnectedAndTheMissingPromptIsSaid() {
        redisDown = true;
        ReceiveCallEventResult.ConnectToMediaStream connect = assertInstanceOf(
                ReceiveCallEventResult.ConnectToMediaStream.class,
                receive(new CallStarted(SID, inbound("+15550001111"), Optional.of("ringing")), null));
        assertEquals(List.of(), connect.jobs());
        assertTrue(connect.warning().orElseThrow().contains("prebuild_prompt_job"), connect.warning().toString());
        assertEquals("biz-1", connect.streamParameters().get("BusinessId"));
    }

    @Test
    void aCallToAnUnknownNumberIsRejectedAndAsksForNothing() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15559990000"), Optional.empty()), null);

        ReceiveCallEventResult.RejectCall reject = assertInstanceOf(ReceiveCallEventResult.RejectCall.class, result);
        assertTrue(reject.reason().contains("+15559990000"), reject.reason());
        assertEquals(List.of(), enqueued, "no prompt for a call nobody takes");
    }

    @Test
    void aFinalStatusFinalizesTheCallWithTwiliosWordOnceWhicheverStatusComesFirst() {
        for (String s : List.of("completed", "busy", "failed", "no-answer", "canceled")) {
            ReceiveCallEventResult.Accepted accepted =
                    assertInstanceOf(ReceiveCallEventResult.Accepted.class, receive(status(s), null), s);
            assertEquals("biz-1", accepted.businessId());
            JobRequest request = enqueued.getLast();
            assertEquals("finalize_call_log_job", request.name());
            assertEquals("biz-1", request.businessId());
            assertEquals("twilio:" + SID + ":ended:finalize_call_log_job", request.dedupe().orElseThrow().key(),
                    "one key for every final status of the call");
            FinalizeCallLogJob.Args args = FinalizeCallLogJob.DEFINITION.argsOf(new JobExecution("j", request.name(),
                    request.kwargs(), request.businessId(), request.traceId(), 1, (p, m) -> { }));
            assertEquals(FinalizeCallLogJob.Source.TWILIO, args.source());
            assertEquals(s, args.end().outcome());
            assertEquals(Optional.of(42), args.end().durationSeconds());
            assertEquals(Optional.of(NOW), args.end().endedAt(), "no Timestamp: the call ended now");
            assertEquals(NOW.minusSeconds(42), args.start().startedAt());
            assertEquals("inbound", args.start().direction());
            assertEquals(Optional.of("+15557770000"), args.start().fromNumber());
        }
    }

    @Test
    void twiliosTimestampIsWhenTheCallEnded() {
        receive(new CallStatusChanged(SID, inbound("+15550001111"), "completed", Optional.of(10L), Optional.empty(),
                Optional.of("Mon, 30 Nov 2026 11:59:00 +0000")), null);
        JobRequest request = enqueued.getLast();
        assertEquals("2026-11-30T11:59:00Z", request.kwargs().get("ended_at"));
        assertEquals("2026-11-30T11:58:50Z", request.kwargs().get("started_at"));
        assertEquals(Optional.empty(), ReceiveCallEventService.rfc2822("yesterday"));
    }

    @Test
    void aStatusThatIsNotFinalOrOfAnotherNumberAsksForNothing() {
        for (String s : List.of("queued", "initiated", "ringing", "in-progress", "something-new")) {
            assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(status(s), null), s);
        }
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(new CallStatusChanged(SID,
                inbound("+15559990000"), "completed", Optional.empty(), Optional.empty(), Optional.empty()), null));
        assertEquals(List.of(), enqueued);
    }

    @Test
    void aCompletedRecordingOfTheBusinessNamedByTheUrlEnqueuesOneRecordingJobPerRecordingSid() {
        ReceiveCallEventResult.Accepted accepted =
                assertInstanceOf(ReceiveCallEventResult.Accepted.class, receive(recording("completed"), "biz-1"));
        assertEquals("biz-1", accepted.businessId());
        JobRequest request = enqueued.getLast();
        assertEquals("recording_job", request.name());
        assertEquals("recordings", request.queue());
        assertEquals("biz-1", request.businessId());
        assertEquals("recording:RE0123456789abcdef0123456789abcdef", request.dedupe().orElseThrow().key());
        assertEquals(Map.of("business_id", "biz-1", "call_sid", SID, "recording_sid", "RE0123456789abcdef0123456789abcdef",
                "recording_url", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                "recording_status", "completed", "recording_duration", 31L, "recording_channels", 1L,
                "recording_source", "StartCallRecordingAPI"), request.kwargs());
        assertEquals(RecordingJob.DEFINITION.argsOf(new dev.switchboard.ports.in.JobExecution("j", "recording_job",
                request.kwargs(), "biz-1", "t", 1, (p, m) -> { })).recordingSid(), "RE0123456789abcdef0123456789abcdef");
    }

    @Test
    void aCallWePlacedIsNotRecordedByTheVoiceWebhook() {
        ReceiveCallEventResult.ConnectToMediaStream connect = assertInstanceOf(
                ReceiveCallEventResult.ConnectToMediaStream.class, receive(new CallStarted(SID, new CallParties(
                        Optional.of("+15550001111"), Optional.of("+15557770000"), Optional.of("outbound-api")),
                        Optional.of("in-progress")), null));
        assertTrue(!connect.record(), "whoever placed the call decides its recording");
    }

    @Test
    void aRecordingOfNoKnownBusinessOrNotCompletedAsksForNothing() {
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("completed"), null));
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("completed"), "biz-9"));
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("absent"), "biz-1"));
    }

    @Test
    void aCompletedRecordingWithoutUrlIsRefused() {
        RecordingStatusChanged noUrl = new RecordingStatusChanged(SID, "RE1", "completed", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> receive(noUrl, "biz-1"));
    }
}
