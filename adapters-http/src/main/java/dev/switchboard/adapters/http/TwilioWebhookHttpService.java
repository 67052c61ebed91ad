package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.out.CallInstructions;
import dev.switchboard.ports.out.CallWebhookSignatures;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.in.ReceiveCallEventCommand;
import dev.switchboard.ports.in.ReceiveCallEventResult;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;
import dev.switchboard.ports.in.SettleOutboundCallUseCase;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Twilio's webhooks, each authenticated by {@code X-Twilio-Signature} before anything else is
 * looked at beyond the form itself:
 * <ul>
 *   <li>{@code POST /webhook/twilio/voice}: answers TwiML that connects the call to the calls role's
 *       media stream (or rejects a call to a number no business owns) and enqueues the call's jobs;</li>
 *   <li>{@code POST /webhook/twilio/status}: enqueues the call's finalization once it ended; with
 *       {@code ?outbound=<request_id>} (the status callback of a call we placed) it also settles
 *       that request as {@code placed} when its placement was left uncertain;</li>
 *   <li>{@code POST /webhook/twilio/recording}: enqueues the transcription of a completed recording.</li>
 * </ul>
 *
 * <p>The signature covers the URL Twilio requested, which behind a proxy is not the one this server
 * sees: it is rebuilt from the configured public base URL plus the path and query string exactly as
 * received, never from {@code Host} or {@code X-Forwarded-*}. Only the body's form fields are signed
 * parameters; the query string counts only as part of the URL.
 */
public final class TwilioWebhookHttpService implements HttpService {
    private static final Logger LOG = Logger.getLogger(TwilioWebhookHttpService.class.getName());
    static final HeaderName SIGNATURE_HEADER = HeaderNames.create("X-Twilio-Signature");
    static final String TWIML_CONTENT_TYPE = "text/xml; charset=UTF-8";
    /** The query parameter by which a callback URL without phone numbers names its business. */
    static final String BUSINESS_ID_PARAMETER = "business_id";
    /** The query parameter of an outbound call's status callback URL that names its request. */
    static final String OUTBOUND_PARAMETER = "outbound";
    private static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final List<String> PATHS = List.of("/webhook/twilio/voice", "/webhook/twilio/status",
            "/webhook/twilio/recording");

    /** A wrong signature is usually configuration, repeated on every call: one line a minute. */
    private final RefusalLog refusals = new RefusalLog(LOG, java.time.Duration.ofMinutes(1));
    private final ReceiveCallEventUseCase useCase;
    private final CallInstructions instructions;
    private final CallWebhookSignatures signatures;
    private final String publicBaseUrl;
    private final Optional<SettleOutboundCallUseCase> outboundCalls;

    /**
     * @param publicBaseUrl the base of the URLs Twilio is configured with ({@code PUBLIC_BASE_URL}),
     *                      e.g. {@code https://api.example.com}; absolute http(s), no query
     */
    public TwilioWebhookHttpService(ReceiveCallEventUseCase useCase, CallInstructions instructions,
                                    CallWebhookSignatures signatures, URI publicBaseUrl) {
        this(useCase, instructions, signatures, publicBaseUrl, Optional.empty());
    }

    /**
     * @param outboundCalls settles outbound requests from their calls' status callbacks
     *                      ({@code ?outbound=<request_id>}); empty when this api has no CRM store
     */
    public TwilioWebhookHttpService(ReceiveCallEventUseCase useCase, CallInstructions instructions,
                                    CallWebhookSignatures signatures, URI publicBaseUrl,
                                    Optional<SettleOutboundCallUseCase> outboundCalls) {
        this.outboundCalls = Objects.requireNonNull(outboundCalls, "outboundCalls");
        this.useCase = Objects.requireNonNull(useCase, "useCase");
        this.instructions = Objects.requireNonNull(instructions, "instructions");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.publicBaseUrl = base(Objects.requireNonNull(publicBaseUrl, "publicBaseUrl"));
    }

    /**
     * The Twilio routes of a server that cannot check signatures (no auth token or no public URL):
     * every request is refused with 403, so nothing unauthenticated is ever enqueued.
     *
     * @param why what is missing, for the startup warning (never a secret)
     */
    public static HttpService refusingEverything(String why) {
        LOG.warning("Twilio webhooks refuse every request (403): " + why);
        return rules -> PATHS.forEach(path -> rules.post(path, (request, response) ->
                JsonResponses.error(response, Status.FORBIDDEN_403, "Twilio webhooks are not configured on this server")));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(PATHS.get(0), this::voice);
        rules.post(PATHS.get(1), (request, response) -> callback(request, response, TwilioPayloads::callStatusChanged));
        rules.post(PATHS.get(2), (request, response) -> callback(request, response, TwilioPayloads::recordingStatusChanged));
    }

    private void voice(ServerRequest request, ServerResponse response) {
        String traceId = TraceIds.of(request);
        Map<String, String> form = authenticated(request, traceId);
        CallEvent.CallStarted call = TwilioPayloads.callStarted(form);
        ReceiveCallEventResult result = useCase.receive(new ReceiveCallEventCommand(call, Optional.empty(), traceId));
        String twiml = switch (result) {
            case ReceiveCallEventResult.ConnectToMediaStream connect -> {
                LOG.info(() -> "twilio voice call_sid=" + call.callSid() + " connected to media stream"
                        + counts(result) + " business_id=" + connect.businessId() + " trace_id=" + traceId);
                connect.warning().ifPresent(w -> LOG.warning("twilio voice call_sid=" + call.callSid() + ": " + w
                        + " business_id=" + connect.businessId() + " trace_id=" + traceId));
                yield instructions.connectToMediaStream(connect.streamParameters(),
                        connect.record() ? Optional.of(connect.businessId()) : Optional.empty());
            }
            case ReceiveCallEventResult.RejectCall reject -> {
                LOG.warning("twilio voice call_sid=" + call.callSid() + " rejected: " + reject.reason()
                        + " trace_id=" + traceId);
                yield instructions.rejectCall();
            }
            case ReceiveCallEventResult.Accepted a -> throw new IllegalStateException("a call start is never " + a);
            case ReceiveCallEventResult.Ignored i -> throw new IllegalStateException("a call start is never " + i);
        };
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, TWIML_CONTENT_TYPE);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(twiml.getBytes(StandardCharsets.UTF_8));
    }

    private void callback(ServerRequest request, ServerResponse response, Function<Map<String, String>, CallEvent> read) {
        String traceId = TraceIds.of(request);
        Map<String, String> form = authenticated(request, traceId);
        CallEvent event = read.apply(form);
        Optional<String> outbound = event instanceof CallEvent.CallStatusChanged ? outboundRequestOfUrl(request)
                : Optional.empty();
        ReceiveCallEventResult result = useCase.receive(
                new ReceiveCallEventCommand(event, businessIdOfUrl(request), traceId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enqueued", result.enqueued());
        body.put("duplicates", result.duplicates());
        body.put("job_ids", result.jobs().stream().map(EnqueueResult::jobId).toList());
        if (result instanceof ReceiveCallEventResult.Ignored ignored) {
            body.put("ignored", ignored.reason());
            LOG.fine(() -> "twilio " + request.path().path() + " call_sid=" + event.callSid() + " ignored: "
                    + ignored.reason() + " trace_id=" + traceId);
        } else if (result instanceof ReceiveCallEventResult.Accepted accepted) {
            LOG.info(() -> "twilio " + request.path().path() + " call_sid=" + event.callSid() + counts(result)
                    + " business_id=" + accepted.businessId() + " trace_id=" + traceId);
        }
        if (outbound.isPresent() && event instanceof CallEvent.CallStatusChanged status) {
            body.put("outbound", settleOutbound(outbound.get(), status, traceId));
        }
        body.put("trace_id", traceId);
        JsonResponses.send(response, Status.OK_200, body);
    }

    /** The form fields of a request whose signature holds; 403 otherwise. */
    private Map<String, String> authenticated(ServerRequest request, String traceId) {
        Map<String, String> form = FormBodies.read(request);
        Optional<String> signature = request.headers().first(SIGNATURE_HEADER).filter(s -> !s.isEmpty());
        if (signature.isEmpty()) {
            LOG.fine(() -> "twilio webhook without " + SIGNATURE_HEADER.defaultCase() + " refused, trace_id=" + traceId);
            throw new HttpProblem(Status.FORBIDDEN_403, "missing " + SIGNATURE_HEADER.defaultCase());
        }
        String url = publicUrl(request);
        if (!signatures.isValid(url, form, signature.get())) {
            // The usual cause is configuration: Twilio's webhook URL is not PUBLIC_BASE_URL + path.
            refusals.refused(java.util.logging.Level.WARNING, "signature", () -> "twilio webhook refused: "
                    + SIGNATURE_HEADER.defaultCase() + " does not match " + RefusalLog.truncated(url)
                    + " (is that the URL configured in Twilio, and TWILIO_AUTH_TOKEN its account's token?)"
                    + " trace_id=" + traceId);
            throw new HttpProblem(Status.FORBIDDEN_403, SIGNATURE_HEADER.defaultCase() + " does not match");
        }
        return form;
    }

    /** The URL Twilio requested: the public base, then path and query exactly as they arrived. */
    private String publicUrl(ServerRequest request) {
        String rawQuery = request.prologue().query().rawValue();
        return publicBaseUrl + request.prologue().uriPath().rawPath()
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    /**
     * An outbound call's status callback: Twilio's word that the call exists settles its request
     * when the placement was left uncertain. Answered in the callback's JSON ({@code outbound}).
     */
    private Map<String, Object> settleOutbound(String requestId, CallEvent.CallStatusChanged status, String traceId) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("request_id", requestId);
        if (outboundCalls.isEmpty()) {
            outcome.put("settled", false);
            outcome.put("outcome", "this api has no CRM store (DATABASE_URL): not settled");
            return outcome;
        }
        SettleOutboundCallUseCase.Settlement settlement = outboundCalls.get().callReported(requestId, status);
        outcome.put("settled", settlement.settled());
        outcome.put("outcome", settlement.outcome());
        if (settlement.settled()) {
            LOG.info(() -> "twilio status call_sid=" + status.callSid() + " settled outbound request " + requestId
                    + " as placed, business_id=" + settlement.businessId().orElse("") + " trace_id=" + traceId);
        } else {
            LOG.fine(() -> "twilio status call_sid=" + status.callSid() + " outbound request " + requestId + ": "
                    + settlement.outcome() + " trace_id=" + traceId);
        }
        return outcome;
    }

    /** {@code ?outbound=} of the (signed) URL: the outbound request the call was placed for. */
    private static Optional<String> outboundRequestOfUrl(ServerRequest request) {
        Optional<String> id = queryParameter(request, OUTBOUND_PARAMETER);
        if (id.isPresent() && !REQUEST_ID.matcher(id.get()).matches()) {
            throw new HttpProblem(Status.BAD_REQUEST_400, OUTBOUND_PARAMETER + " in the URL must be a request id,"
                    + " 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        return id;
    }

    /** {@code ?business_id=} of the (signed) URL, for callbacks that carry no phone number. */
    private static Optional<String> businessIdOfUrl(ServerRequest request) {
        return queryParameter(request, BUSINESS_ID_PARAMETER);
    }

    /** One query parameter of the (signed) URL; 400 when it is repeated; blank counts as absent. */
    private static Optional<String> queryParameter(ServerRequest request, String name) {
        String rawQuery = request.prologue().query().rawValue();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = FormBodies.parse(rawQuery.getBytes(StandardCharsets.UTF_8), "query").stream()
                .filter(pair -> pair.getKey().equals(name)).map(Map.Entry::getValue).toList();
        if (values.size() > 1) {
            throw new HttpProblem(Status.BAD_REQUEST_400, name + " is repeated in the URL");
        }
        return values.stream().filter(v -> !v.isBlank()).findFirst();
    }

    private static String counts(ReceiveCallEventResult result) {
        return " enqueued=" + result.enqueued() + " duplicates=" + result.duplicates();
    }

    private static String base(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
