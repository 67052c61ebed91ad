package dev.switchboard.roles.worker;

import dev.switchboard.adapters.media.twilio.TwilioCallRecordings;
import dev.switchboard.adapters.media.twilio.TwilioOutboundTelephony;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.OutboundTelephony;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.Durations;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The worker's Twilio account, read once from the environment and validated (every problem at
 * once), the one place the worker's Twilio settings are read: {@code TWILIO_ACCOUNT_SID} and
 * {@code TWILIO_AUTH_TOKEN} (both or neither; without them {@code place_outbound_call_job} and the
 * recording jobs fail saying so, and touch nothing), {@code TWILIO_API_BASE_URL} (Twilio's REST API,
 * or a local fake) and {@code TWILIO_API_TIMEOUT} (one request's deadline, which is also how long a
 * rerun waits before it trusts that an interrupted create is no longer in flight; a recording's
 * download gets at least {@link #MIN_DOWNLOAD_TIMEOUT}, a long call's WAV being megabytes).
 * The token never appears in {@link #toString()}.
 */
record TwilioAccount(Optional<TwilioOutboundTelephony.Settings> settings) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration MIN_DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    static TwilioAccount fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Optional<String> sid = nonBlank(env, "TWILIO_ACCOUNT_SID");
        Optional<String> token = nonBlank(env, "TWILIO_AUTH_TOKEN");
        sid.filter(s -> !ACCOUNT_SID.matcher(s).matches()).ifPresent(s ->
                problems.add("TWILIO_ACCOUNT_SID must be the account's sid, AC and 32 hex digits"));
        if (sid.isPresent() && token.isEmpty()) {
            problems.add("TWILIO_AUTH_TOKEN must be set with TWILIO_ACCOUNT_SID (the worker places calls with both)");
        }
        URI base = TwilioOutboundTelephony.TWILIO_API;
        Optional<String> baseValue = nonBlank(env, "TWILIO_API_BASE_URL");
        if (baseValue.isPresent()) {
            try {
                URI uri = new URI(baseValue.get());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                    throw new URISyntaxException(baseValue.get(), "not an absolute http(s) URL");
                }
                base = uri;
            } catch (URISyntaxException e) {
                problems.add("TWILIO_API_BASE_URL must be an absolute http(s) URL without user info or query");
            }
        }
        Duration timeout = DEFAULT_TIMEOUT;
        Optional<String> timeoutValue = nonBlank(env, "TWILIO_API_TIMEOUT");
        if (timeoutValue.isPresent()) {
            try {
                timeout = Durations.parse("TWILIO_API_TIMEOUT", timeoutValue.get());
                if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                    problems.add("TWILIO_API_TIMEOUT must be above 0 and at most 1m");
                }
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        if (sid.isEmpty()) {
            return new TwilioAccount(Optional.empty());
        }
        return new TwilioAccount(Optional.of(new TwilioOutboundTelephony.Settings(sid.get(), token.get(), base, timeout)));
    }

    /** Places calls through the account, or empty when none is configured. */
    Optional<OutboundTelephony> telephony(HttpClient http) {
        return settings.map(s -> new TwilioOutboundTelephony(s, http));
    }

    /** Call recordings at Twilio (download, delete); without an account every use fails, saying what to set. */
    CallRecordings callRecordings() {
        return settings.<CallRecordings>map(s -> new TwilioCallRecordings(s.apiBase(), s.accountSid(), s.authToken(),
                        s.timeout().compareTo(MIN_DOWNLOAD_TIMEOUT) < 0 ? MIN_DOWNLOAD_TIMEOUT : s.timeout()))
                .orElseGet(() -> CallRecordings.unconfigured("no Twilio account: set TWILIO_ACCOUNT_SID"
                        + " and TWILIO_AUTH_TOKEN, then requeue this job"));
    }

    /** One line for the start-up log. */
    String describe() {
        return settings.map(s -> "Twilio account " + s.accountSid() + " at " + s.apiBase())
                .orElse("no Twilio account (TWILIO_ACCOUNT_SID unset: outbound calls and recording jobs fail until"
                        + " it is set)");
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    @Override
    public String toString() {
        return "TwilioAccount[" + describe() + "]";
    }
}
