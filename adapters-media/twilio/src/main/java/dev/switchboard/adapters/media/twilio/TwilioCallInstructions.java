package dev.switchboard.adapters.media.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Reject;
import dev.switchboard.ports.out.CallInstructions;

import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * {@link CallInstructions} as TwiML: {@code <Connect><Stream>} to the calls role's Media Streams
 * endpoint ({@link MediaStreamTwiml}), or {@code <Reject/>}.
 */
public final class TwilioCallInstructions implements CallInstructions {
    /** Where the calls role serves Twilio Media Streams, under its public base URL. */
    public static final String MEDIA_STREAM_PATH = "/ws/twilio/media";

    private final String streamUrl;

    /**
     * @param callsPublicUrl the calls role's public WebSocket base ({@code CALLS_PUBLIC_URL}), e.g.
     *                       {@code wss://calls.example.com}; a trailing slash is ignored
     * @throws IllegalArgumentException when it is not an absolute {@code wss://} URL without query
     */
    public TwilioCallInstructions(String callsPublicUrl) {
        Objects.requireNonNull(callsPublicUrl, "callsPublicUrl");
        String base = callsPublicUrl.endsWith("/")
                ? callsPublicUrl.substring(0, callsPublicUrl.length() - 1) : callsPublicUrl;
        this.streamUrl = base + MEDIA_STREAM_PATH;
        MediaStreamTwiml.connectStream(streamUrl, Map.of()); // refuses a bad URL now, not on the first call
    }

    /** The URL Twilio's stream connects to. */
    public String streamUrl() {
        return streamUrl;
    }

    @Override
    public String connectToMediaStream(SequencedMap<String, String> parameters) {
        return MediaStreamTwiml.connectStream(streamUrl, parameters);
    }

    /**
     * {@code <Response><Reject/></Response>}: Twilio refuses the call without answering it (the
     * caller hears the carrier's "not in service"; an unanswered call is not billed).
     */
    @Override
    public String rejectCall() {
        return new VoiceResponse.Builder().reject(new Reject.Builder().build()).build().toXml();
    }
}
