package dev.switchboard.adapters.media.twilio;

import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import com.twilio.type.Twiml;
import dev.switchboard.ports.out.OutboundTelephony;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link OutboundTelephony} through the Twilio SDK (twilio-java): {@code Call.creator(...).create},
 * {@code Call.reader().setTo().setFrom().firstPage} and, to hang up,
 * {@code Call.updater(sid).setStatus(COMPLETED).update}, over a client that sends each request
 * exactly once to a configurable base ({@code TWILIO_API_URL}: Twilio's, or a local fake).
 *
 * <p><b>Why a client of our own.</b> twilio-java's {@code HttpClient.reliableRequest} repeats any
 * request answered 5xx (or not at all) up to three times, whatever its method: a {@code POST
 * .../Calls.json} that Twilio queued before answering 500 would dial the customer three times. This
 * client's {@code reliableRequest} is one {@code makeRequest}, and the caller decides what a
 * failure means ({@link Failure}). It is also the SDK's only seam for another base URL (the SDK
 * builds {@code https://api.twilio.com/...} and has no setting for it).
 *
 * <p>What each failure means for a create: no connection at all is {@code NOT_SENT} (the request
 * never left); 429 is {@code RATE_LIMITED} (Twilio created nothing); another 4xx is
 * {@code REFUSED}; a 5xx, a timeout or a broken answer is {@code UNCERTAIN}.
 */
public final class TwilioOutboundTelephony implements OutboundTelephony {
    /** Twilio's REST base. */
    public static final URI TWILIO_API = URI.create("https://api.twilio.com");
    /** Calls listed per lookup: a lookup wants the few calls of the last minutes between two numbers. */
    static final int PAGE_SIZE = 50;

    /**
     * @param accountSid the account the calls are placed under ({@code AC...}); in every URL
     * @param authToken  the account's auth token (Basic auth with the sid); never logged
     * @param apiBase    where Twilio's REST API is, e.g. {@link #TWILIO_API}
     * @param timeout    one request's deadline (connect and answer)
     */
    public record Settings(String accountSid, String authToken, URI apiBase, Duration timeout) {
        public Settings {
            Objects.requireNonNull(accountSid, "accountSid");
            Objects.requireNonNull(authToken, "authToken");
            Objects.requireNonNull(apiBase, "apiBase");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String toString() {
            return "Settings[accountSid=" + accountSid + ", apiBase=" + apiBase + ", timeout=" + timeout + "]";
        }
    }

    private final Settings settings;
    private final TwilioRestClient client;

    public TwilioOutboundTelephony(Settings settings, HttpClient http) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken())
                .httpClient(new OnceOnly(settings.apiBase(), settings.timeout(), http))
                .build();
    }

    @Override
    public String place(Placement placement) {
        try {
            Call call = Call.creator(new PhoneNumber(placement.toNumber()), new PhoneNumber(placement.fromNumber()),
                            new Twiml(placement.twiml()))
                    .setStatusCallback(URI.create(placement.statusCallback()))
                    .setStatusCallbackMethod(HttpMethod.POST)
                    .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
                    .setTimeout(placement.ringSeconds())
                    .create(client);
            if (call.getSid() == null || call.getSid().isBlank()) {
                throw new TelephonyException(Failure.UNCERTAIN, 0, "Twilio's answer named no call sid",
                        Optional.empty(), null);
            }
            return call.getSid();
        } catch (TelephonyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw classified("creating the call", e);
        }
    }

    @Override
    public List<KnownCall> callsSince(String fromNumber, String toNumber, Instant since) {
        try {
            return Call.reader().setTo(toNumber).setFrom(fromNumber).setPageSize((long) PAGE_SIZE)
                    .firstPage(client).getRecords().stream()
                    .filter(c -> c.getDateCreated() != null && !c.getDateCreated().toInstant().isBefore(since))
                    .map(c -> new KnownCall(c.getSid(), c.getFrom(), c.getTo(), c.getDateCreated().toInstant(),
                            c.getStatus() == null ? "" : c.getStatus().toString()))
                    .toList();
        } catch (RuntimeException e) {
            throw classified("listing calls", e);
        }
    }

    /** Twilio's error code for an update of a call that is not in progress (it has ended). */
    static final int NOT_IN_PROGRESS = 21220;

    @Override
    public HangUp hangUp(String callSid) {
        try {
            Call.updater(callSid).setStatus(Call.UpdateStatus.COMPLETED).update(client);
            return HangUp.ENDED;
        } catch (ApiException e) {
            Integer status = e.getStatusCode();
            // A call that ended already (or that Twilio does not know: 404) has nothing left to end.
            if (status != null && (status == 404 || (status >= 400 && status < 500 && e.getCode() != null
                    && e.getCode() == NOT_IN_PROGRESS))) {
                return HangUp.ALREADY_ENDED;
            }
            throw classified("hanging up the call", e);
        } catch (TelephonyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw classified("hanging up the call", e);
        }
    }

    @Override
    public Duration requestTimeout() {
        return settings.timeout();
    }

    private static TelephonyException classified(String what, RuntimeException e) {
        if (e instanceof Unsent unsent) {
            return new TelephonyException(Failure.NOT_SENT, 0, what + ": " + unsent.getMessage(), Optional.of(Duration.ofSeconds(1)), e);
        }
        if (e instanceof Unanswered unanswered) {
            return new TelephonyException(Failure.UNCERTAIN, 0, what + ": " + unanswered.getMessage(), Optional.empty(), e);
        }
        if (e instanceof ApiException api && api.getStatusCode() != null) {
            int status = api.getStatusCode();
            String message = what + ": " + api.getMessage() + (api.getCode() == null ? "" : " (code " + api.getCode() + ")");
            if (status == 429) {
                return new TelephonyException(Failure.RATE_LIMITED, status, message, Optional.of(Duration.ofSeconds(5)), e);
            }
            if (status >= 400 && status < 500) {
                return new TelephonyException(Failure.REFUSED, status, message, Optional.empty(), e);
            }
            return new TelephonyException(Failure.UNCERTAIN, status, message, Optional.empty(), e);
        }
        String kind = e instanceof TwilioException ? "" : e.getClass().getSimpleName() + ": ";
        return new TelephonyException(Failure.UNCERTAIN, 0, what + ": " + kind + e.getMessage(), Optional.empty(), e);
    }

    /** The request never left this process: no connection could be made. */
    private static final class Unsent extends RuntimeException {
        Unsent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The request may have been sent, but no answer came (timeout, reset). */
    private static final class Unanswered extends RuntimeException {
        Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * twilio-java's HTTP seam: each request sent once, to {@code base} + the path and query the SDK
     * built, with the SDK's Basic auth. Never repeats a request ({@link #reliableRequest}).
     */
    static final class OnceOnly extends com.twilio.http.HttpClient {
        private final URI base;
        private final Duration timeout;
        private final HttpClient http;

        OnceOnly(URI base, Duration timeout, HttpClient http) {
            String b = base.toString();
            this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
            this.timeout = timeout;
            this.http = http;
        }

        /** One attempt, never more: the SDK's own version repeats a 5xx POST. */
        @Override
        public Response reliableRequest(Request request) {
            return makeRequest(request);
        }

        @Override
        public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
            return makeRequest(request);
        }

        @Override
        public Response makeRequest(Request request) {
            URL sdkUrl = request.constructURL();
            URI target = URI.create(base + sdkUrl.getPath() + (sdkUrl.getQuery() == null ? "" : "?" + sdkUrl.getQuery()));
            HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout)
                    .header("Accept", "application/json");
            if (request.requiresAuthentication()) {
                builder.header("Authorization", request.getAuthString());
            }
            String method = request.getMethod().toString().toUpperCase(Locale.ROOT);
            if (method.equals("GET") || method.equals("DELETE")) {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                builder.header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, HttpRequest.BodyPublishers.ofString(request.encodeFormBody()));
            }
            HttpResponse<String> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpConnectTimeoutException | ConnectException | UnresolvedAddressException e) {
                throw new Unsent("no connection to " + base + ": " + e, e);
            } catch (IOException e) {
                if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
                    throw new Unsent("no connection to " + base + ": " + e, e);
                }
                throw new Unanswered("no answer from " + base + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unanswered("interrupted while waiting for " + base, e);
            }
            return new Response(response.body(), response.statusCode(), TwilioApiHttpClient.headers(response.headers()));
        }
    }
}
