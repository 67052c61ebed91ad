package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.CallEvent;
import io.helidon.http.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwilioPayloadsTest {
    private static final String SID = "CA3c95a2a6bba5fde93a5dea01e388e8fb";

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private static void assertBadRequest(Executable read, String reasonPart) {
        HttpProblem problem = assertThrows(HttpProblem.class, read);
        assertEquals(Status.BAD_REQUEST_400, problem.status());
        assertTrue(problem.getMessage().contains(reasonPart), problem.getMessage());
    }

    @Test
    void readsTheVoiceWebhookOfTheSpec() {
        CallEvent.CallStarted call = TwilioPayloads.callStarted(form("AccountSid", "AC0123456789abcdef0123456789abcdef",
                "CallSid", SID, "CallStatus", "in-progress", "Direction", "outbound-api", "From", "+5511988887777",
                "To", "+5511999990000", "ApiVersion", "2010-04-01"));

        assertEquals(SID, call.callSid());
        assertEquals(Optional.of("+5511988887777"), call.parties().from());
        assertEquals(Optional.of("+5511999990000"), call.parties().to());
        assertEquals(Optional.of("outbound-api"), call.parties().direction());
        assertEquals(Optional.of("in-progress"), call.callStatus());
    }

    @Test
    void theVoiceWebhookNeedsCallSidFromAndTo() {
        assertBadRequest(() -> TwilioPayloads.callStarted(form("From", "+1", "To", "+2")), "CallSid is required");
        assertBadRequest(() -> TwilioPayloads.callStarted(form("CallSid", SID, "To", "+2")), "From is required");
        assertBadRequest(() -> TwilioPayloads.callStarted(form("CallSid", SID, "From", "+1", "To", "")), "To is required");
        assertBadRequest(() -> TwilioPayloads.callStarted(form("CallSid", "CA:1", "From", "+1", "To", "+2")),
                "CallSid must be");
    }

    @Test
    void readsTheStatusCallbackNumbers() {
        CallEvent.CallStatusChanged status = TwilioPayloads.callStatusChanged(form("CallSid", SID,
                "CallStatus", "completed", "CallDuration", "42", "SequenceNumber", "3",
                "Timestamp", "Fri, 08 Jan 2016 17:18:38 +0000"));

        assertEquals("completed", status.callStatus());
        assertEquals(Optional.of(42L), status.callDuration());
        assertEquals(Optional.of(3L), status.sequenceNumber());
        assertBadRequest(() -> TwilioPayloads.callStatusChanged(form("CallSid", SID)), "CallStatus is required");
        assertBadRequest(() -> TwilioPayloads.callStatusChanged(form("CallSid", SID, "CallStatus", "completed",
                "CallDuration", "4.2")), "CallDuration must be a whole number");
        assertBadRequest(() -> TwilioPayloads.callStatusChanged(form("CallSid", SID, "CallStatus", "<b>")),
                "CallStatus must be");
    }

    @Test
    void aCompletedRecordingNeedsAnHttpsUrl() {
        CallEvent.RecordingStatusChanged recording = TwilioPayloads.recordingStatusChanged(form("CallSid", SID,
                "RecordingSid", "RE0123456789abcdef0123456789abcdef", "RecordingStatus", "completed",
                "RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                "RecordingDuration", "31", "RecordingChannels", "1"));
        assertEquals(Optional.of(31L), recording.recordingDuration());

        assertBadRequest(() -> TwilioPayloads.recordingStatusChanged(form("CallSid", SID, "RecordingSid", "RE1",
                "RecordingStatus", "completed")), "RecordingUrl is required");
        assertBadRequest(() -> TwilioPayloads.recordingStatusChanged(form("CallSid", SID, "RecordingSid", "RE1",
                "RecordingStatus", "completed", "RecordingUrl", "http://api.twilio.com/x")), "https");
        assertBadRequest(() -> TwilioPayloads.recordingStatusChanged(form("CallSid", SID, "RecordingStatus", "completed")),
                "RecordingSid is required");
        assertBadRequest(() -> TwilioPayloads.recordingStatusChanged(form("CallSid", SID, "RecordingSid", "XY1",
                "RecordingStatus", "completed", "RecordingUrl", "https://api.twilio.com/x")), "RecordingSid must be a recording's sid");
        // not completed: no URL needed
        TwilioPayloads.recordingStatusChanged(form("CallSid", SID, "RecordingSid", "RE1", "RecordingStatus", "absent"));
    }
}
