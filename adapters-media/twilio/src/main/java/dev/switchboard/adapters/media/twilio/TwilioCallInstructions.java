package dev.switchboard.adapters.media.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Reject;
import dev.switchboard.ports.out.CallInstructions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * {@link CallInstructions} as TwiML: {@code <Connect><Stream>} to the calls role's Media Streams
 * endpoint ({@link MediaStreamTwiml}), with {@code <Start><Recording>} first for a call to record,
 * or {@code <Reject/>}.
 */
public final class TwilioCallInstructions implements CallInstructions {
    /** Where the calls role serves Twilio Media Streams, under its public base URL. */
    public static final String MEDIA_STREAM_PATH = "/ws/twilio/media";

    /** The route of Twilio's recording status callbacks, under the api's public base URL. */
    public static final String RECORDING_CALLBACK_PATH = "/webhook/twilio/recording";

    private final String streamUrl;
    private final Optional<String> recordingCallback;

    /** Connects calls and records none. */
    public TwilioCallInstructions(String callsPublicUrl) {
        this(callsPublicUrl, Optional.empty());
    }

    /**
     * @param callsPublicUrl the calls role's public WebSocket base ({@code CALLS_PUBLIC_URL}), e.g.
     *                       {@code wss://calls.example.com}; a trailing slash is ignored
     * @param publicBaseUrl  the api's public base ({@code PUBLIC_BASE_URL}) when calls are to be
     *                       recorded: their recording callback is {@code <it>/webhook/twilio/recording
     *                       ?business_id=<business>}; empty: nothing is recorded ({@code CALL_RECORDING=off})
     * @throws IllegalArgumentException when it is not an absolute {@code wss://} URL without query
     */
    public TwilioCallInstructions(String callsPublicUrl, Optional<String> publicBaseUrl) {
        Objects.requireNonNull(callsPublicUrl, "callsPublicUrl");
        this.recordingCallback = publicBaseUrl.map(base -> (base.endsWith("/") ? base.substring(0, base.length() - 1)
                : base) + RECORDING_CALLBACK_PATH);
        String base = callsPublicUrl.endsWith("/")
                ? callsPublicUrl.substring(0, callsPublicUrl.length() - 1) : callsPublicUrl;
        this.streamUrl = base + MEDIA_STREAM_PATH;
        MediaStreamTwiml.connectStream(streamUrl, Map.of()); // refuses a bad URL now, not on the first call
    }

    /** The URL Twilio's stream connects to. */
    public String streamUrl() {
        return streamUrl;
    }

    /** Whether calls asked to be recorded are recorded. */
    public boolean records() {
        return recordingCallback.isPresent();
    }

    @Override
    public String connectToMediaStream(SequencedMap<String, String> parameters) {
        return MediaStreamTwiml.connectStream(streamUrl, parameters);
    }

    @Override
    public String connectToMediaStream(SequencedMap<String, String> parameters, Optional<String> recordFor) {
        Optional<String> callback = recordFor.flatMap(business -> recordingCallback.map(url -> url + "?business_id="
                + URLEncoder.encode(business, StandardCharsets.UTF_8)));
        return MediaStreamTwiml.connectStream(streamUrl, parameters, callback);
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
