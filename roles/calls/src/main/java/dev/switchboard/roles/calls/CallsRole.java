package dev.switchboard.roles.calls;

import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.PortInUseException;
import dev.switchboard.adapters.http.ServerLimits;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import com.google.cloud.speech.v1.SpeechClient;
import dev.switchboard.adapters.media.speech.GoogleSpeechClients;
import dev.switchboard.adapters.media.speech.GoogleSpeechToText;
import dev.switchboard.adapters.media.twilio.EmbeddedTextToSpeech;
import dev.switchboard.adapters.media.twilio.TwilioMediaStreamListener;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.TextToSpeech;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import io.helidon.webserver.http.HttpService;

import dev.switchboard.adapters.http.HttpChatModel;
import dev.switchboard.adapters.media.twilio.HttpTextToSpeech;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The calls role. Duties: terminate Twilio Media Streams ({@code GET /ws/twilio/media}, one
 * {@link CallSession} per call), stream audio to speech-to-text, answer through the AI and speech
 * synthesis; end dead calls ({@link CallSessionReaper}). Never: run periodic schedulers, write the
 * store from an audio thread.
 *
 * <p>Threads: {@code sb-call-reaper}, and per call {@code sb-call-<n>-tx} and
 * {@code sb-call-<n>-agent} (virtual), all through {@code RoleThreads} and joined.
 */
public final class CallsRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallsRole.class.getName());

    private final SwitchboardHttpServer server;
    private final CallSessions sessions;
    private final CallSessionReaper reaper;

    private final SpeechToText speech;
    private final HttpClient http;

    private CallsRole(SwitchboardHttpServer server, CallSessions sessions, CallSessionReaper reaper, SpeechToText speech,
                      HttpClient http) {
        this.http = http;
        this.server = server;
        this.sessions = sessions;
        this.reaper = reaper;
        this.speech = speech;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.CALLS, CallsRole::start);
    }

    public static CallsRole start(RoleConfig config) {
        return start(config, System.getenv());
    }

    /** As {@link #start(RoleConfig)}, reading {@link CallsSettings} from {@code environment} (tests). */
    public static CallsRole start(RoleConfig config, Map<String, String> environment) {
        CallsSettings settings = CallsSettings.fromEnvironment(environment);
        SpeechToText speech = speechToText(settings);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        CallSessions sessions = new CallSessions(settings, chatModel(settings, http), textToSpeech(settings, http), speech);
        CallSessionReaper reaper = new CallSessionReaper(sessions, settings.mediaTimeout());
        List<HttpService> services = new ArrayList<>(httpServices());
        services.add(new HealthHttpService(config.role().id()));
        RoleConfig.HttpLimits h = config.http();
        SwitchboardHttpServer server;
        try {
            server = SwitchboardHttpServer.start(config.port(), services, Optional.empty(),
                    ServerLimits.of(h.maxConnections(), h.maxConcurrentRequests(), h.idleTimeout(), h.requestTimeout(),
                            h.maxHeaderBytes()),
                    List.of(TwilioMediaStreamListener.routing(sessions)));
        } catch (PortInUseException e) {
            reaper.close();
            throw new ConfigException(e.getMessage());
        }
        LOG.info("calls role listening on port " + server.port() + ", media streams at "
                + TwilioMediaStreamListener.PATH + ", media timeout " + settings.mediaTimeout().toMillis() + " ms");
        return new CallsRole(server, sessions, reaper, speech, http);
    }

    private static ChatModel chatModel(CallsSettings settings, HttpClient http) {
        if (settings.ai().isEmpty()) {
            LOG.info("AI: the embedded agent (AI_BASE_URL unset)");
            return new EmbeddedChatModel();
        }
        LOG.info("AI: " + settings.ai().get().model() + " at " + settings.ai().get().baseUrl() + ", streamed");
        return new HttpChatModel(settings.ai().get(), http);
    }

    private static TextToSpeech textToSpeech(CallsSettings settings, HttpClient http) {
        if (settings.tts().isEmpty()) {
            LOG.info("text-to-speech: the embedded synthesizer (TTS_BASE_URL unset)");
            return new EmbeddedTextToSpeech();
        }
        LOG.info("text-to-speech: " + settings.tts().get());
        return new HttpTextToSpeech(settings.tts().get(), http);
    }

    private static SpeechToText speechToText(CallsSettings settings) {
        if (settings.speechEndpoint().isEmpty()) {
            LOG.info("transcription is off: GOOGLE_SPEECH_ENDPOINT is not set; calls are answered and greeted,"
                    + " and what callers say is not transcribed");
            return SpeechToText.OFF;
        }
        String endpoint = settings.speechEndpoint().get();
        try {
            SpeechClient client = GoogleSpeechClients.create(endpoint);
            LOG.info("speech-to-text: Google StreamingRecognize at " + endpoint + ", language " + settings.language()
                    + (GoogleSpeechClients.isLocal(endpoint) ? " (plaintext, no credentials)" : ""));
            return new ClosingSpeechToText(new GoogleSpeechToText(client), client);
        } catch (IOException e) {
            throw new ConfigException("GOOGLE_SPEECH_ENDPOINT=" + endpoint + ": cannot set up the Speech client ("
                    + e.getMessage() + "); set GOOGLE_APPLICATION_CREDENTIALS to a service account key file");
        }
    }

    /** The process-wide Speech client, closed with the role. */
    private record ClosingSpeechToText(SpeechToText delegate, AutoCloseable client) implements SpeechToText, AutoCloseable {
        @Override
        public boolean enabled() {
            return delegate.enabled();
        }

        @Override
        public Stream open(String languageCode, Listener listener) {
            return delegate.open(languageCode, listener);
        }

        @Override
        public void close() throws Exception {
            client.close();
        }
    }

    /** The routes of this role, also mounted on the api's server in {@code all} mode. */
    public static List<HttpService> httpServices() {
        return List.of();
    }

    public int port() {
        return server.port();
    }

    /** Calls in progress. */
    public int activeCalls() {
        return sessions.active();
    }

    @Override
    public void close() {
        server.close();
        sessions.endAll("calls role stopping");
        reaper.close();
        http.close();
        if (speech instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warning("closing the Speech client: " + e);
            }
        }
    }
}
