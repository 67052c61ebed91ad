package dev.switchboard.roles.calls;

import dev.switchboard.adapters.http.CallsMetrics;
import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.HttpChatModel;
import dev.switchboard.adapters.http.MetricsHttpService;
import dev.switchboard.adapters.http.PortInUseException;
import dev.switchboard.adapters.http.ServerLimits;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import com.google.cloud.speech.v1.SpeechClient;
import dev.switchboard.adapters.media.speech.GoogleSpeechClients;
import dev.switchboard.adapters.media.speech.GoogleSpeechToText;
import dev.switchboard.adapters.media.twilio.EmbeddedTextToSpeech;
import dev.switchboard.adapters.media.twilio.HttpTextToSpeech;
import dev.switchboard.adapters.media.twilio.TwilioMediaStreamListener;
import dev.switchboard.adapters.media.twilio.TwilioRequestSignatures;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLiveCalls;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.TextToSpeech;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;
import dev.switchboard.roles.runtime.RoleThreads;

import io.helidon.common.Builder;
import io.helidon.webserver.Routing;
import io.helidon.webserver.http.HttpService;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The calls role. Duties: terminate Twilio Media Streams ({@code GET /ws/twilio/media}, upgrades
 * signed by Twilio when {@code TWILIO_AUTH_TOKEN} is set; one {@link CallSession} per call), stream
 * audio to speech-to-text, answer through the AI and speech synthesis; end dead calls
 * ({@link CallSessionReaper}); turn every durable write of a call into a job, handed to Redis by
 * the {@link CallJournal} and never by a realtime thread. Never: run periodic schedulers, write the
 * store.
 *
 * <p>Wiring, top to bottom: settings, Redis (the job queue, the live-call marks, the prepared
 * prompts), speech,
 * the sessions and their journal, the reaper, then the server ({@link #start}) or, in {@code all}
 * mode, the routes the api's server mounts ({@link #embedded}).
 *
 * <p>Threads: {@code sb-call-reaper}, {@code sb-call-journal}, and per call {@code sb-call-<n>-tx}
 * and {@code sb-call-<n>-agent} (virtual), all through {@code RoleThreads} and joined.
 */
public final class CallsRole implements AutoCloseable {

    private final Optional<SwitchboardHttpServer> server;
    private final CallSessions sessions;
    private final CallSessionReaper reaper;
    private final CallJournal journal;
    private final RedisConnections redis;
    private final SpeechToText speech;
    private final HttpClient http;
    private final Optional<TwilioMediaStreamListener.UpgradeSignature> upgradeSignature;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private CallsRole(Optional<SwitchboardHttpServer> server, CallSessions sessions, CallSessionReaper reaper,
                      CallJournal journal, RedisConnections redis, SpeechToText speech, HttpClient http,
                      Optional<TwilioMediaStreamListener.UpgradeSignature> upgradeSignature) {
        this.server = server;
        this.sessions = sessions;
        this.reaper = reaper;
        this.journal = journal;
        this.redis = redis;
        this.speech = speech;
        this.http = http;
        this.upgradeSignature = upgradeSignature;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.CALLS, CallsRole::startUntilShutdown);
    }

    /** Starts, and on SIGTERM ends its calls (finalized as interrupted) and hands their jobs to Redis. */
    public static CallsRole startUntilShutdown(RoleConfig config) {
        CallsRole calls = start(config);
        RoleThreads.onShutdown("sb-calls-shutdown", calls::close);
        return calls;
    }

    public static CallsRole start(RoleConfig config) {
        return start(config, System.getenv());
    }

    /** As {@link #start(RoleConfig)}, reading {@link CallsSettings} from {@code environment} (tests). */
    public static CallsRole start(RoleConfig config, Map<String, String> environment) {
        CallsRole calls = build(config, environment, true);
        log().info("calls role listening on port " + calls.port() + ", media streams at "
                + TwilioMediaStreamListener.PATH + ", Redis at " + calls.redis.describe());
        return calls;
    }

    /**
     * {@code all} mode: the calls role without a server of its own; the api's server mounts
     * {@link #httpServices()} and {@link #routings()} on its port. Closed on SIGTERM like
     * {@link #startUntilShutdown}.
     */
    public static CallsRole embeddedUntilShutdown(RoleConfig config, Map<String, String> environment) {
        CallsRole calls = build(config, environment, false);
        RoleThreads.onShutdown("sb-calls-shutdown", calls::close);
        return calls;
    }

    private static CallsRole build(RoleConfig config, Map<String, String> environment, boolean ownServer) {
        CallsSettings settings = CallsSettings.fromEnvironment(environment);
        Optional<TwilioMediaStreamListener.UpgradeSignature> signature = upgradeSignature(config, settings);
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        Clock clock = Clock.systemUTC();
        SpeechToText speech;
        try {
            speech = speechToText(settings);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // Frame handling and answer times, and the process's cost per call; served on /metrics when
        // the role has its own server (docs/twilio.md).
        CallsMetrics metrics = new CallsMetrics();
        CallSessions sessions = new CallSessions(settings, chatModel(settings, http), textToSpeech(settings, http), speech,
                new CallPrompts(new RedisPromptCache(redis), settings.promptWait()), clock, metrics::answerStarted);
        metrics.activeCalls(sessions::active);
        CallJournal journal = new CallJournal(new RedisJobQueue(redis, clock, config.jobIdSecret()),
                new RedisLiveCalls(redis), settings.livenessTtl(), sessions::liveCalls);
        sessions.journal(journal);
        CallSessionReaper reaper = new CallSessionReaper(sessions, settings.mediaTimeout());
        log().info("media timeout " + settings.mediaTimeout().toMillis() + " ms, live-call marks last "
                + settings.livenessTtl().toMillis() + " ms");
        Optional<SwitchboardHttpServer> server = Optional.empty();
        if (ownServer) {
            RoleConfig.HttpLimits h = config.http();
            List<HttpService> services = List.of(new HealthHttpService(config.role().id()),
                    new MetricsHttpService(metrics), TwilioMediaStreamListener.refusedUpgrades(signature));
            try {
                server = Optional.of(SwitchboardHttpServer.start(config.port(), services, Optional.empty(),
                        ServerLimits.of(h.maxConnections(), h.maxConcurrentRequests(), h.idleTimeout(), h.requestTimeout(),
                                h.maxHeaderBytes()),
                        List.of(TwilioMediaStreamListener.routing(sessions, signature, metrics::mediaFrameHandled))));
            } catch (PortInUseException e) {
                reaper.close();
                journal.close();
                redis.close();
                throw new ConfigException(e.getMessage());
            }
        }
        return new CallsRole(server, sessions, reaper, journal, redis, speech, http, signature);
    }

    /**
     * Twilio signs each stream's upgrade over {@code CALLS_PUBLIC_URL/ws/twilio/media}: with
     * {@code TWILIO_AUTH_TOKEN} set, only signed upgrades are accepted; without it, any (logged).
     */
    private static Optional<TwilioMediaStreamListener.UpgradeSignature> upgradeSignature(RoleConfig config,
                                                                                        CallsSettings settings) {
        if (config.twilioAuthToken().isEmpty()) {
            log().warning("TWILIO_AUTH_TOKEN is not set: media stream upgrades are not authenticated (development only)");
            return Optional.empty();
        }
        String url = settings.mediaStreamUrl().orElseThrow(() -> new ConfigException(
                "CALLS_PUBLIC_URL is required with TWILIO_AUTH_TOKEN"));
        log().info("media stream upgrades must carry X-Twilio-Signature over " + url);
        return Optional.of(new TwilioMediaStreamListener.UpgradeSignature(
                new TwilioRequestSignatures(config.twilioAuthToken().get()), url));
    }

    private static ChatModel chatModel(CallsSettings settings, HttpClient http) {
        if (settings.ai().isEmpty()) {
            log().info("AI: the embedded agent (AI_BASE_URL unset)");
            return new EmbeddedChatModel();
        }
        log().info("AI: " + settings.ai().get().model() + " at " + settings.ai().get().baseUrl() + ", streamed");
        return new HttpChatModel(settings.ai().get(), http);
    }

    private static TextToSpeech textToSpeech(CallsSettings settings, HttpClient http) {
        if (settings.tts().isEmpty()) {
            log().info("text-to-speech: the embedded synthesizer (TTS_BASE_URL unset)");
            return new EmbeddedTextToSpeech();
        }
        log().info("text-to-speech: " + settings.tts().get());
        return new HttpTextToSpeech(settings.tts().get(), http);
    }

    private static SpeechToText speechToText(CallsSettings settings) {
        if (settings.speechEndpoint().isEmpty()) {
            log().info("transcription is off: GOOGLE_SPEECH_ENDPOINT is not set; calls are answered and greeted,"
                    + " and what callers say is not transcribed");
            return SpeechToText.OFF;
        }
        String endpoint = settings.speechEndpoint().get();
        try {
            SpeechClient client = GoogleSpeechClients.create(endpoint);
            log().info("speech-to-text: Google StreamingRecognize at " + endpoint + ", language " + settings.language()
                    + (GoogleSpeechClients.isLocal(endpoint) ? " (plaintext, no credentials)" : ""));
            return new ClosingSpeechToText(new GoogleSpeechToText(client), client);
        } catch (IOException e) {
            throw new ConfigException("GOOGLE_SPEECH_ENDPOINT=" + endpoint + ": cannot set up the Speech client ("
                    + e.getMessage() + "); set GOOGLE_APPLICATION_CREDENTIALS to a service account key file");
        }
    }

    /** The process-wide Speech client and the adapter's timer, closed with the role. */
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
            try {
                if (delegate instanceof AutoCloseable adapter) {
                    adapter.close();   // its timer (backoffs, close grace) first, then the channel
                }
            } finally {
                client.close();
            }
        }
    }

    /** This role's HTTP routes: what a refused or plain (non-upgrade) request to the stream path gets. */
    public List<HttpService> httpServices() {
        return List.of(TwilioMediaStreamListener.refusedUpgrades(upgradeSignature));
    }

    /** This role's WebSocket routing ({@code /ws/twilio/media}), for a server that is not its own. */
    public List<Builder<?, ? extends Routing>> routings() {
        return List.of(TwilioMediaStreamListener.routing(sessions, upgradeSignature));
    }

    /** The port of its own server (not in {@code all} mode). */
    public int port() {
        return server.orElseThrow(() -> new IllegalStateException("embedded: the api's server serves the calls"))
                .port();
    }

    /** Calls in progress. */
    public int activeCalls() {
        return sessions.active();
    }

    /** Calls so far by where their agent's prompt came from (the fallback is also logged per call). */
    java.util.Map<CallPrompts.Source, Long> promptSources() {
        return sessions.promptSources();
    }

    /** Call jobs given up so far (journal full, or Redis down too long). */
    long droppedJobs() {
        return journal.dropped();
    }

    /**
     * Not a static field: {@code main} is in this class, and a static logger would initialise
     * java.util.logging before {@code RoleLauncher} installs the shutdown-safe log manager.
     */
    private static Logger log() {
        return Logger.getLogger(CallsRole.class.getName());
    }

    /**
     * Stops taking calls, ends those in progress (each finalized as interrupted), gives their jobs
     * a few seconds to reach Redis, then releases everything.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.ifPresent(SwitchboardHttpServer::close);
        sessions.endAll("calls role stopping", java.time.Duration.ofSeconds(5));
        reaper.close();
        journal.close();
        // close() waits for every exchange to end, and an AI answer still streaming to a call just
        // ended can keep one open indefinitely (a test hung here for minutes): give in-flight
        // requests a moment, then abort them.
        http.shutdown();
        try {
            if (!http.awaitTermination(Duration.ofSeconds(2))) {
                http.shutdownNow();
            }
        } catch (InterruptedException e) {
            http.shutdownNow();
            Thread.currentThread().interrupt();
        }
        redis.close();
        if (speech instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log().warning("closing the Speech client: " + e);
            }
        }
    }
}
