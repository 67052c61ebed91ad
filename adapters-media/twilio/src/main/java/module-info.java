/**
 * Twilio Voice side of Switchboard's media adapters.
 *
 * <p>Builds the TwiML that answers Twilio's voice webhook with a bidirectional
 * {@code <Connect><Stream>} to our Media Streams WebSocket, using the Twilio SDK's TwiML builders
 * ({@link dev.switchboard.adapters.media.twilio.MediaStreamTwiml}).
 * Implements the ports the api role needs from Twilio: {@code CallInstructions} (TwiML,
 * {@link dev.switchboard.adapters.media.twilio.TwilioCallInstructions}) and
 * {@code CallWebhookSignatures} ({@code X-Twilio-Signature} through the SDK's {@code RequestValidator},
 * {@link dev.switchboard.adapters.media.twilio.TwilioRequestSignatures}); and the one the worker needs,
 * {@code OutboundTelephony} (placing and listing calls through the SDK's REST client, each request
 * sent once, {@link dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony}).
 *
 * <p>The Twilio SDK ({@code twilio}, an automatic module named after its jar) declares no module
 * dependencies, and automatic modules only pull other <em>automatic</em> modules into the module
 * graph. The explicit modules it needs at run time are therefore required here, so that a
 * launcher needs no {@code --add-modules}:
 * <ul>
 *   <li>{@code java.xml}: {@code TwiML.toXml()} renders through DOM and {@code javax.xml.transform};</li>
 *   <li>{@code com.fasterxml.jackson.dataformat.xml} and {@code com.ctc.wstx} (Woodstox): every
 *       TwiML builder's static initialiser creates an {@code XmlMapper} over Woodstox factories;</li>
 *   <li>{@code com.fasterxml.jackson.databind} and {@code com.fasterxml.jackson.datatype.jsr310}:
 *       the REST client ({@code TwilioRestClient}) maps JSON with them.</li>
 * </ul>
 * slf4j, jjwt, commons-codec, commons-io and HttpClient 5 come as automatic modules and are
 * resolved together with {@code twilio}.
 */
module switchboard.adapters.media.twilio {
    requires transitive switchboard.ports;
    requires twilio;
    // The SDK's Response carries HttpCore 5 headers; our HTTP clients build them from the JDK's.
    requires org.apache.httpcomponents.core5.httpcore5;

    requires java.xml;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.dataformat.xml;
    requires com.ctc.wstx;
    // Only TwilioMediaStreamListener (the calls role's Media Streams endpoint) needs the WebSocket
    // server: static, so that the api role, which uses this module for TwiML and signatures only,
    // does not carry it (its jlink image holds no media stack; images/ImageModulesTest). The calls
    // role requires both itself.
    requires static transitive io.helidon.webserver.websocket;
    requires static transitive io.helidon.websocket;
    requires java.logging;
    requires java.net.http;

    exports dev.switchboard.adapters.media.twilio;
}
