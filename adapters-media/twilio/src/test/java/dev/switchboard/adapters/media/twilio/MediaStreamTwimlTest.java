package dev.switchboard.adapters.media.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaStreamTwimlTest {

    private static final String URL = "wss://example.test/ws/twilio/media";

    @Test
    void connectsTheCallToTheStreamUrlWithEachParameterNested() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("CallSid", "CA123");
        parameters.put("businessId", "b-42");

        String xml = MediaStreamTwiml.connectStream(URL, parameters);

        assertTrue(xml.contains("<Connect><Stream url=\"wss://example.test/ws/twilio/media\">"), xml);
        assertTrue(xml.contains("<Parameter name=\"CallSid\" value=\"CA123\"/>"), xml);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<Response><Connect><Stream url=\"wss://example.test/ws/twilio/media\">"
                        + "<Parameter name=\"CallSid\" value=\"CA123\"/>"
                        + "<Parameter name=\"businessId\" value=\"b-42\"/>"
                        + "</Stream></Connect><Hangup/></Response>",
                xml);
    }

    @Test
    void aRecordedCallStartsItsRecordingBeforeConnectingTheStream() {
        String xml = MediaStreamTwiml.connectStream(URL, Map.of("CallSid", "CA123"),
                java.util.Optional.of("https://api.example.test/webhook/twilio/recording?business_id=b-42&x=1"));

        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<Response><Start><Recording channels=\"mono\""
                        + " recordingStatusCallback=\"https://api.example.test/webhook/twilio/recording?business_id=b-42&amp;x=1\""
                        + " recordingStatusCallbackEvent=\"completed\" recordingStatusCallbackMethod=\"POST\""
                        + " track=\"both\"/></Start>"
                        + "<Connect><Stream url=\"wss://example.test/ws/twilio/media\">"
                        + "<Parameter name=\"CallSid\" value=\"CA123\"/></Stream></Connect><Hangup/></Response>",
                xml);
        assertEquals(MediaStreamTwiml.connectStream(URL, Map.of()),
                MediaStreamTwiml.connectStream(URL, Map.of(), java.util.Optional.empty()), "no callback: not recorded");
        for (String bad : new String[]{"/webhook/twilio/recording", "ftp://x.test/r", "https:///nohost"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> MediaStreamTwiml.connectStream(URL, Map.of(), java.util.Optional.of(bad)), bad);
        }
    }

    @Test
    void escapesParameterValuesAsXml() {
        String xml = MediaStreamTwiml.connectStream(URL, Map.of("note", "a<b & \"c\""));

        assertTrue(xml.contains("<Parameter name=\"note\" value=\"a&lt;b &amp; &quot;c&quot;\"/>"), xml);
    }

    @Test
    void withoutParametersTheStreamElementIsEmpty() {
        String xml = MediaStreamTwiml.connectStream(URL, Map.of());

        assertTrue(xml.endsWith("<Response><Connect><Stream url=\"wss://example.test/ws/twilio/media\"/>"
                + "</Connect><Hangup/></Response>"), xml);
    }

    @Test
    void rejectsAnHttpsUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MediaStreamTwiml.connectStream("https://example.test/ws/twilio/media", Map.of()));
        assertTrue(e.getMessage().contains("wss://"), e.getMessage());
    }

    @Test
    void rejectsPlainWsAQueryStringAndAMissingHost() {
        assertThrows(IllegalArgumentException.class,
                () -> MediaStreamTwiml.connectStream("ws://example.test/ws/twilio/media", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> MediaStreamTwiml.connectStream(URL + "?callSid=CA123", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> MediaStreamTwiml.connectStream("wss:///ws/twilio/media", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> MediaStreamTwiml.connectStream(URL, Map.of(" ", "x")));
    }

    @Test
    void runsAsANamedModuleWithTwiliosXmlStackResolvedAsModules() {
        Module module = MediaStreamTwiml.class.getModule();

        assertEquals("switchboard.adapters.media.twilio", module.getName());
        assertEquals("twilio", com.twilio.twiml.VoiceResponse.class.getModule().getName());
        // TwiML builders need these at run time; they are modules only because module-info requires them.
        assertEquals("com.fasterxml.jackson.dataformat.xml",
                com.fasterxml.jackson.dataformat.xml.XmlMapper.class.getModule().getName());
        assertEquals("com.ctc.wstx", com.ctc.wstx.stax.WstxOutputFactory.class.getModule().getName());
    }
}
