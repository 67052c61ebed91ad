package dev.switchboard.roles.worker;

import dev.switchboard.adapters.http.HttpChatModel;
import dev.switchboard.adapters.http.HttpGmailMailbox;
import dev.switchboard.adapters.http.HttpWhatsAppGateway;
import dev.switchboard.adapters.media.speech.GoogleBatchSpeechToText;
import dev.switchboard.adapters.media.speech.GoogleSpeechClients;
import dev.switchboard.adapters.media.twilio.TwilioCallRecordings;
import dev.switchboard.adapters.redis.RedisSendPacer;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.ports.out.BatchSpeechToText;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.WhatsAppGateway;
import dev.switchboard.ports.out.WhatsAppSendException;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.Durations;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's external services, read once from the environment and validated (every problem at
 * once): the AI ({@code AI_BASE_URL}, {@code AI_API_KEY}, {@code AI_MODEL}, {@code AI_TIMEOUT},
 * {@code AI_MAX_TOKENS}, {@code AI_MAX_TOKENS_FIELD}; the embedded agent when {@code AI_BASE_URL}
 * is unset) and the WhatsApp gateway ({@code WHATSAPP_GATEWAY_URL}, {@code WHATSAPP_GATEWAY_SECRET},
 * {@code WHATSAPP_GATEWAY_TIMEOUT}; unset: sends fail at once with a message saying so), the pace
 * of broadcasts through it ({@code BROADCAST_RATE}, messages per second per business, default 1;
 * WhatsApp bans numbers that send like spammers) and Gmail ({@code GMAIL_CLIENT_ID},
 * {@code GMAIL_CLIENT_SECRET}, {@code GMAIL_API_URL}, {@code GMAIL_TOKEN_URL}, {@code GMAIL_TIMEOUT};
 * without the client, Gmail sync is off) and batch speech-to-text for call recordings
 * ({@code GOOGLE_SPEECH_ENDPOINT}, {@code CALL_LANGUAGE}, {@code GOOGLE_SPEECH_RECOGNIZE_TIMEOUT}: how long
 * one piece's {@code Recognize} may take, retries included, default 2 minutes; unset endpoint:
 * recordings are stored without a transcript). Twilio's account is {@link TwilioAccount}'s. Secrets never appear in {@link #toString()}.
 */
record WorkerIntegrations(Optional<HttpChatModel.Settings> ai, Optional<HttpWhatsAppGateway.Settings> gateway,
                          double broadcastRate, Optional<HttpGmailMailbox.Settings> gmail,
                          Optional<String> speechEndpoint, String language, Duration recognizeTimeout) {

    /** The recordings' speech-to-text, and the client to close at shutdown (none when off). */
    record RecordingSpeech(BatchSpeechToText speech, Optional<AutoCloseable> client) {
    }

    static final double DEFAULT_BROADCAST_RATE = 1;
    static final URI GMAIL_API = URI.create("https://gmail.googleapis.com");
    static final URI GMAIL_TOKEN = URI.create("https://oauth2.googleapis.com/token");
    /** Attempts per Gmail call, and the truncated exponential backoff between them (Google's guidance). */
    static final int GMAIL_ATTEMPTS = 3;
    static final Duration GMAIL_BACKOFF = Duration.ofSeconds(1);
    static final Duration GMAIL_MAX_BACKOFF = Duration.ofSeconds(32);

    static WorkerIntegrations fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Optional<HttpChatModel.Settings> ai = Optional.empty();
        Optional<URI> aiUrl = url(env, "AI_BASE_URL", problems);
        if (aiUrl.isPresent()) {
            Duration timeout = duration(env, "AI_TIMEOUT", Duration.ofSeconds(30), problems);
            int maxTokens = positive(env, "AI_MAX_TOKENS", 300, problems);
            String field = env.getOrDefault("AI_MAX_TOKENS_FIELD", "max_tokens").trim();
            if (!field.equals("max_tokens") && !field.equals("max_completion_tokens")) {
                problems.add("AI_MAX_TOKENS_FIELD must be max_tokens or max_completion_tokens, was '" + field + "'");
            }
            String model = env.getOrDefault("AI_MODEL", "").trim();
            if (model.isEmpty()) {
                problems.add("AI_MODEL must name the model when AI_BASE_URL is set");
            }
            ai = Optional.of(new HttpChatModel.Settings(aiUrl.get(), nonBlank(env, "AI_API_KEY"), model, timeout,
                    maxTokens, field));
        }
        Optional<HttpWhatsAppGateway.Settings> gateway = Optional.empty();
        Optional<URI> gatewayUrl = url(env, "WHATSAPP_GATEWAY_URL", problems);
        if (gatewayUrl.isPresent()) {
            Optional<String> secret = nonBlank(env, "WHATSAPP_GATEWAY_SECRET");
            if (secret.isEmpty()) {
                problems.add("WHATSAPP_GATEWAY_SECRET must be set when WHATSAPP_GATEWAY_URL is");
            }
            Duration timeout = duration(env, "WHATSAPP_GATEWAY_TIMEOUT", Duration.ofSeconds(20), problems);
            gateway = Optional.of(new HttpWhatsAppGateway.Settings(gatewayUrl.get(), secret.orElse(""), timeout));
        }
        double broadcastRate = rate(env, "BROADCAST_RATE", DEFAULT_BROADCAST_RATE, problems);
        Optional<HttpGmailMailbox.Settings> gmail = Optional.empty();
        Optional<String> clientId = nonBlank(env, "GMAIL_CLIENT_ID");
        Optional<String> clientSecret = nonBlank(env, "GMAIL_CLIENT_SECRET");
        if (clientId.isPresent() != clientSecret.isPresent()) {
            problems.add("set both GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET (the Google OAuth client), or neither"
                    + " (Gmail sync off)");
        }
        URI gmailApi = url(env, "GMAIL_API_URL", problems).orElse(GMAIL_API);
        URI gmailToken = url(env, "GMAIL_TOKEN_URL", problems).orElse(GMAIL_TOKEN);
        Duration gmailTimeout = duration(env, "GMAIL_TIMEOUT", Duration.ofSeconds(20), problems);
        if (clientId.isPresent() && clientSecret.isPresent()) {
            gmail = Optional.of(new HttpGmailMailbox.Settings(gmailApi, gmailToken, clientId.get(), clientSecret.get(),
                    gmailTimeout, GMAIL_ATTEMPTS, GMAIL_BACKOFF, GMAIL_MAX_BACKOFF));
        }
        Optional<String> speech = nonBlank(env, "GOOGLE_SPEECH_ENDPOINT");
        if (speech.isPresent()) {
            try {
                GoogleSpeechClients.isLocal(speech.get());
            } catch (IllegalArgumentException e) {
                problems.add("GOOGLE_SPEECH_ENDPOINT must be host:port like speech.googleapis.com:443, was '"
                        + speech.get() + "'");
                speech = Optional.empty();
            }
        }
        String language = nonBlank(env, "CALL_LANGUAGE").orElse("en-US");
        Duration recognizeTimeout = duration(env, "GOOGLE_SPEECH_RECOGNIZE_TIMEOUT",
                GoogleBatchSpeechToText.DEFAULT_DEADLINE, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new WorkerIntegrations(ai, gateway, broadcastRate, gmail, speech, language, recognizeTimeout);
    }

    /**
     * Google batch recognition for recordings over one {@code SpeechClient}, or
     * {@link BatchSpeechToText#OFF} without {@code GOOGLE_SPEECH_ENDPOINT}.
     */
    RecordingSpeech recordingSpeech() {
        if (speechEndpoint.isEmpty()) {
            return new RecordingSpeech(BatchSpeechToText.OFF, Optional.empty());
        }
        try {
            com.google.cloud.speech.v1.SpeechClient client = GoogleSpeechClients.create(speechEndpoint.get());
            return new RecordingSpeech(new GoogleBatchSpeechToText(client, language, recognizeTimeout), Optional.of(client));
        } catch (java.io.IOException e) {
            throw new ConfigException("GOOGLE_SPEECH_ENDPOINT " + speechEndpoint.get() + ": no speech client ("
                    + e.getMessage() + "); is GOOGLE_APPLICATION_CREDENTIALS set?");
        }
    }

    /** The Gmail client, or empty when no OAuth client is configured (Gmail sync off). */
    Optional<GmailMailbox> gmailMailbox(HttpClient http, Clock clock) {
        return gmail.map(settings -> new HttpGmailMailbox(settings, http, clock));
    }

    ChatModel chatModel(HttpClient http) {
        return ai.<ChatModel>map(settings -> new HttpChatModel(settings, http)).orElseGet(EmbeddedChatModel::new);
    }

    WhatsAppGateway whatsAppGateway(HttpClient http, Clock clock) {
        return gateway.<WhatsAppGateway>map(settings -> new HttpWhatsAppGateway(settings, http, clock))
                .orElseGet(() -> message -> {
                    throw new WhatsAppSendException("no WhatsApp gateway configured: set WHATSAPP_GATEWAY_URL and"
                            + " WHATSAPP_GATEWAY_SECRET, then requeue this job", 0, false, Optional.empty());
                });
    }

    /** One line for the start-up log. */
    String describe() {
        return "AI: " + ai.map(s -> s.model() + " at " + s.baseUrl()).orElse("embedded agent (AI_BASE_URL unset)")
                + "; WhatsApp gateway: " + gateway.map(s -> s.baseUrl().toString())
                .orElse("none (WHATSAPP_GATEWAY_URL unset: replies fail until it is set)")
                + "; broadcasts at " + broadcastRate + " message(s)/s per business"
                + "; Gmail: " + gmail.map(s -> "client " + s.clientId() + " at " + s.apiBase())
                .orElse("off (GMAIL_CLIENT_ID unset)")
                + "; recording transcripts: " + speechEndpoint.map(e -> "Google Speech at " + e + " (" + language + ", "
                        + recognizeTimeout.toSeconds() + " s per piece)")
                .orElse("off (GOOGLE_SPEECH_ENDPOINT unset: recordings are stored without a transcript)");
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Optional<URI> url(Map<String, String> env, String name, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(name + " must be an absolute http(s) URL without user info or query");
        return Optional.empty();
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = Durations.parse(name, value.get());
            if (d.isZero() || d.isNegative()) {
                problems.add(name + " must be positive");
                return fallback;
            }
            return d;
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }

    /** Messages per second: a positive decimal ({@code 1}, {@code 0.5}, {@code 20}), at most {@link RedisSendPacer#MAX_RATE}. */
    private static double rate(Map<String, String> env, String name, double fallback, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double rate = Double.parseDouble(value.get());
            if (rate > 0 && rate <= RedisSendPacer.MAX_RATE) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + " must be messages per second, above 0 and at most " + (int) RedisSendPacer.MAX_RATE
                + " (e.g. 1 or 0.5), was '" + value.get() + "'");
        return fallback;
    }

    private static int positive(Map<String, String> env, String name, int fallback, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + " must be a positive whole number, was '" + value.get() + "'");
        return fallback;
    }

    @Override
    public String toString() {
        return "WorkerIntegrations[" + describe() + "]";
    }
}
