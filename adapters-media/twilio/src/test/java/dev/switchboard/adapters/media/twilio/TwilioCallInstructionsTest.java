package dev.switchboard.adapters.media.twilio;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TwilioCallInstructionsTest {

    @Test
    void connectsTheCallToTheMediaStreamPathOfTheCallsRole() {
        SequencedMap<String, String> parameters = new LinkedHashMap<>();
        parameters.put("CallSid", "CA1");
        parameters.put("BusinessId", "biz-1");

        String xml = new TwilioCallInstructions("wss://calls.example.com/").connectToMediaStream(parameters);

        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect>"
                + "<Stream url=\"wss://calls.example.com/ws/twilio/media\">"
                + "<Parameter name=\"CallSid\" value=\"CA1\"/><Parameter name=\"BusinessId\" value=\"biz-1\"/>"
                + "</Stream></Connect><Hangup/></Response>", xml);
    }

    @Test
    void rejectsTheCallWithRejectTwiml() {
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Reject/></Response>",
                new TwilioCallInstructions("wss://calls.example.com").rejectCall());
    }

    @Test
    void refusesACallsUrlTwilioCannotStreamTo() {
        assertThrows(IllegalArgumentException.class, () -> new TwilioCallInstructions("https://calls.example.com"));
        assertThrows(IllegalArgumentException.class, () -> new TwilioCallInstructions("wss://calls.example.com?x=1"));
    }
}
