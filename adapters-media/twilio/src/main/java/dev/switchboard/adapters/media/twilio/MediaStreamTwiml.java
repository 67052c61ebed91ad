package dev.switchboard.adapters.media.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Connect;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Recording;
import com.twilio.twiml.voice.Start;
import com.twilio.twiml.voice.Stream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * TwiML that connects a Twilio call to a bidirectional Media Stream.
 *
 * <p>The result is the body of the reply to Twilio's voice webhook ({@code Content-Type: text/xml}):
 * <pre>{@code
 * <?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://calls.example.com/ws/twilio/media">
 *   <Parameter name="CallSid" value="CA123"/>...</Stream></Connect><Hangup/></Response>
 * }</pre>
 * (on one line). {@code <Connect><Stream>} blocks: nothing after it runs while the WebSocket is open.
 * When our server closes the socket Twilio continues after {@code </Connect>}: {@code <Hangup/>}
 * ends the call there and then (the calls role also hangs up through the REST API, {@code
 * hangup_call_job}, since some setups were seen to keep the call after a closed socket).
 *
 * <p>Twilio accepts only {@code wss://} stream URLs and drops or rejects a query string, so data
 * for the stream travels as {@code <Parameter>} pairs; they arrive in the {@code start} message's
 * {@code customParameters}. The XML is produced by the Twilio SDK's TwiML builders, which also
 * escape names and values.
 */
public final class MediaStreamTwiml {

    private MediaStreamTwiml() {
    }

    /**
     * Builds {@code <Response><Connect><Stream url="..."><Parameter .../>...</Stream></Connect><Hangup/></Response>}.
     *
     * @param streamUrl  the WebSocket URL Twilio connects to; must be absolute {@code wss://} with a
     *                   host, and without query or fragment
     * @param parameters custom parameters, one {@code <Parameter>} each, in the map's iteration order
     *                   (pass a {@link java.util.SequencedMap} for a fixed order); names must not be
     *                   blank, values must not be null
     * @return the TwiML document as a string, starting with the XML declaration
     * @throws IllegalArgumentException if the URL is not an acceptable {@code wss://} URL or a
     *                                  parameter name is blank
     * @throws NullPointerException     if an argument, a name or a value is null
     */
    public static String connectStream(String streamUrl, Map<String, String> parameters) {
        return connectStream(streamUrl, parameters, java.util.Optional.empty());
    }

    /**
     * As {@link #connectStream(String, Map)}, and when {@code recordingStatusCallback} is given the
     * call is recorded first: {@code <Start><Recording recordingStatusCallback="..."
     * recordingStatusCallbackEvent="completed" channels="mono" track="both"/></Start>}. {@code <Start>}
     * does not block, so the stream connects at once; the recording (both parties, mixed to one
     * channel, which is what batch speech recognition takes) runs until the call ends, and Twilio
     * then posts {@code RecordingStatus=completed} to the callback.
     *
     * @param recordingStatusCallback an absolute http(s) URL
     */
    public static String connectStream(String streamUrl, Map<String, String> parameters,
                                       java.util.Optional<String> recordingStatusCallback) {
        Objects.requireNonNull(streamUrl, "streamUrl");
        Objects.requireNonNull(recordingStatusCallback, "recordingStatusCallback");
        Objects.requireNonNull(parameters, "parameters");
        URI url = parseWss(streamUrl);

        Stream.Builder stream = new Stream.Builder().url(url.toString());
        parameters.forEach((name, value) -> {
            Objects.requireNonNull(name, "parameter name");
            Objects.requireNonNull(value, () -> "value of parameter " + name);
            if (name.isBlank()) {
                throw new IllegalArgumentException("parameter name must not be blank");
            }
            stream.parameter(new Parameter.Builder().name(name).value(value).build());
        });

        VoiceResponse.Builder response = new VoiceResponse.Builder();
        recordingStatusCallback.ifPresent(callback -> response.start(new Start.Builder()
                .recording(new Recording.Builder()
                        .recordingStatusCallback(httpUrl(callback))
                        .recordingStatusCallbackMethod(Recording.RecordingStatusCallbackMethod.POST)
                        .recordingStatusCallbackEvents(Recording.Event.COMPLETED)
                        .channels(Recording.Channels.MONO)
                        .track(Recording.Track.BOTH)
                        .build())
                .build()));
        return response
                .connect(new Connect.Builder().stream(stream.build()).build())
                .hangup(new Hangup.Builder().build())
                .build()
                .toXml();
    }

    private static String httpUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("recording callback is not a URI: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("recording callback must be an absolute http(s) URL: " + url);
        }
        return url;
    }

    private static URI parseWss(String streamUrl) {
        URI url;
        try {
            url = new URI(streamUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("stream URL is not a URI: " + streamUrl, e);
        }
        if (!"wss".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("Twilio Media Streams need a wss:// URL, got: " + streamUrl);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("stream URL has no host: " + streamUrl);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "Twilio drops a query string on stream URLs; pass data as parameters instead: " + streamUrl);
        }
        return url;
    }
}
