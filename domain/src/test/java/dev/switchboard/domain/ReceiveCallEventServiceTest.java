package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent.CallStarted;
import dev.switchboard.ports.in.CallEvent.CallStatusChanged;
import dev.switchboard.ports.in.CallEvent.RecordingStatusChanged;
import dev.switchboard.ports.in.CallParties;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each call event leads to. The call jobs have no handler yet, so the service needs no queue
 * and must ask for no job: nothing may fail as an unknown job.
 */
class ReceiveCallEventServiceTest {
    private static final String SID = "CA0123456789abcdef0123456789abcdef";
    private final ReceiveCallEventService service = new ReceiveCallEventService(
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
    void aStartedCallIsConnectedToTheMediaStreamOfItsBusiness() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15550001111"), Optional.of("ringing")), null);

        ReceiveCallEventResult.ConnectToMediaStream connect =
                assertInstanceOf(ReceiveCallEventResult.ConnectToMediaStream.class, result);
        assertEquals("biz-1", connect.businessId());
        assertEquals(List.of(), connect.jobs(), "the call jobs have no handler yet");
        assertEquals(List.of("CallSid", "From", "To", "Direction", "BusinessId", "TraceId"),
                List.copyOf(connect.streamParameters().keySet()));
        assertEquals("biz-1", connect.streamParameters().get("BusinessId"));
    }

    @Test
    void aCallToAnUnknownNumberIsRejectedAndAsksForNothing() {
        ReceiveCallEventResult result = receive(new CallStarted(SID, inbound("+15559990000"), Optional.empty()), null);

        ReceiveCallEventResult.RejectCall reject = assertInstanceOf(ReceiveCallEventResult.RejectCall.class, result);
        assertTrue(reject.reason().contains("+15559990000"), reject.reason());
    }

    @Test
    void aFinalStatusIsAcknowledgedAndNamesTheJobThatIsNotBuiltYet() {
        for (String s : List.of("completed", "busy", "failed", "no-answer", "canceled")) {
            ReceiveCallEventResult.Ignored ignored =
                    assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(status(s), null), s);
            assertTrue(ignored.reason().contains("finalize_call_log_job"), ignored.reason());
        }
    }

    @Test
    void aStatusThatIsNotFinalAsksForNothing() {
        for (String s : List.of("queued", "initiated", "ringing", "in-progress", "something-new")) {
            assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(status(s), null), s);
        }
    }

    @Test
    void aCompletedRecordingOfTheBusinessNamedByTheUrlIsAcknowledged() {
        ReceiveCallEventResult.Ignored ignored =
                assertInstanceOf(ReceiveCallEventResult.Ignored.class, receive(recording("completed"), "biz-1"));
        assertTrue(ignored.reason().contains("recording_job"), ignored.reason());
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
