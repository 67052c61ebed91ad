package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which jobs each call event asks for. The queue here only records requests; that a repeated
 * request becomes one job is the Redis queue's contract, proven over HTTP in roles/api.
 */
class ReceiveCallEventServiceTest {
    private static final String SID = "CA0123456789abcdef0123456789abcdef";
    private final List<JobRequest> requests = new ArrayList<>();
    private final JobQueue queue = request -> {
        requests.add(request);
        return new EnqueueResult.Enqueued(request.jobId().orElse("job-of-" + request.dedupe().orElseThrow().key()));
    };
    private final ReceiveCallEventService service = new ReceiveCallEventService(queue,
            new BusinessPhoneNumbers(Map.of("+15550001111", "biz-1")));

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
    void aStartedCallAsksForThreeJobsPromptFirstOnTheHighQueue() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15550001111"), Optional.of("ringing")), null);

        ReceiveCallEventResult.ConnectToMediaStream connect =
                assertInstanceOf(ReceiveCallEventResult.ConnectToMediaStream.class, result);
        assertEquals("biz-1", connect.businessId());
        assertEquals(List.of("prebuild_prompt_job:high", "create_call_log_job:default",
                        "create_lead_from_call_job:default"),
                requests.stream().map(r -> r.name() + ":" + r.queue()).toList());
        for (JobRequest r : requests) {
            String key = "twilio:" + SID + ":voice:" + r.name();
            assertEquals(key, r.dedupe().orElseThrow().key());
            assertTrue(r.jobId().isEmpty(), "the queue derives the keyed id from the dedupe key");
            assertEquals("biz-1", r.businessId());
            assertEquals("trace-1", r.traceId());
            assertEquals(Map.of("business_id", "biz-1", "call_sid", SID, "from_number", "+15557770000",
                    "to_number", "+15550001111", "direction", "inbound", "call_status", "ringing"), r.kwargs());
        }
        assertEquals(List.of("CallSid", "From", "To", "Direction", "BusinessId", "TraceId"),
                List.copyOf(connect.streamParameters().keySet()));
        assertEquals("biz-1", connect.streamParameters().get("BusinessId"));
        assertEquals(3, connect.enqueued());
    }

    @Test
    void aCallToAnUnknownNumberIsRejectedAndAsksForNothing() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15559990000"), Optional.empty()), null);

        ReceiveCallEventResult.RejectCall reject = assertInstanceOf(ReceiveCallEventResult.RejectCall.class, result);
        assertTrue(reject.reason().contains("+15559990000"), reject.reason());
        assertEquals(List.of(), requests);
    }

    @Test
    void eachFinalStatusAsksForOneFinalizeJobWithOneKeyPerCall() {
        for (String s : List.of("completed", "busy", "failed", "no-answer", "canceled")) {
            assertInstanceOf(ReceiveCallEventResult.Accepted.class, receive(status(s), null), s);
        }
        assertEquals(Set.of("twilio:" + SID + ":ended:finalize_call_log_job"),
                requests.stream().map(r -> r.dedupe().orElseThrow().key()).collect(Collectors.toSet()));
        JobRequest first = requests.getFirst();
        assertEquals("finalize_call_log_job", first.name());
        assertEquals("default", first.queue());
        assertEquals(42L, first.kwargs().get("call_duration"));
        assertEquals("completed", first.kwargs().get("call_status"));
    }

    @Test
    void aStatusThatIsNotFinalAsksForNothing() {
        for (String s : List.of("queued", "initiated", "ringing", "in-progress", "something-new")) {
            assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(status(s), null), s);
        }
        assertEquals(List.of(), requests);
    }

    @Test
    void aCompletedRecordingOfTheBusinessNamedByTheUrlAsksForOneRecordingJob() {
        ReceiveCallEventResult result = receive(recording("completed"), "biz-1");

        assertInstanceOf(ReceiveCallEventResult.Accepted.class, result);
        JobRequest job = requests.getFirst();
        assertEquals("recording_job", job.name());
        assertEquals("recordings", job.queue());
        assertEquals("recording:" + SID, job.dedupe().orElseThrow().key());
        assertEquals(31L, job.kwargs().get("recording_duration"));
        assertEquals(ReceiveCallEventService.RECORDING_TIMEOUT, job.timeout());
    }

    @Test
    void aRecordingOfNoKnownBusinessOrNotCompletedAsksForNothing() {
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("completed"), null));
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("completed"), "biz-9"));
        assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("absent"), "biz-1"));
        assertEquals(List.of(), requests);
    }

    @Test
    void aCompletedRecordingWithoutUrlIsRefused() {
        RecordingStatusChanged noUrl = new RecordingStatusChanged(SID, "RE1", "completed", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> receive(noUrl, "biz-1"));
        assertEquals(List.of(), requests);
    }
}
