package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.ReceiveWhatsAppMessagesResult;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesUseCase;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code POST /webhook/whatsapp/incoming}: the WhatsApp gateway delivers messages. Guarded by
 * {@code X-Internal-Secret}; each message becomes one deduplicated job. Answers with how many were
 * enqueued, duplicates and ignored.
 */
public final class WhatsAppWebhookHttpService implements HttpService {
    private static final Logger LOG = Logger.getLogger(WhatsAppWebhookHttpService.class.getName());
    static final String SECRET_HEADER = "X-Internal-Secret";

    private final ReceiveWhatsAppMessagesUseCase useCase;
    private final SharedSecret secret;
    private final EnqueueQuota quota;

    /** Without a rate limit. */
    public WhatsAppWebhookHttpService(ReceiveWhatsAppMessagesUseCase useCase, Optional<String> internalSecret) {
        this(useCase, internalSecret, EnqueueQuota.UNLIMITED);
    }

    /**
     * @param internalSecret the gateway's shared secret; when empty every delivery is refused
     * @param quota          the tenant's rate limit: a batch costs one token per message
     */
    public WhatsAppWebhookHttpService(ReceiveWhatsAppMessagesUseCase useCase, Optional<String> internalSecret,
                                      EnqueueQuota quota) {
        this.quota = Objects.requireNonNull(quota, "quota");
        this.useCase = Objects.requireNonNull(useCase, "useCase");
        this.secret = new SharedSecret(internalSecret);
        if (!secret.configured()) {
            LOG.warning("INTERNAL_WEBHOOK_SECRET is not set: POST /webhook/whatsapp/incoming refuses every request");
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/webhook/whatsapp/incoming", this::incoming);
    }

    private void incoming(ServerRequest request, ServerResponse response) {
        if (!secret.matches(request.headers().first(HeaderNames.create(SECRET_HEADER)))) {
            throw new HttpProblem(Status.UNAUTHORIZED_401, secret.configured()
                    ? "missing or wrong " + SECRET_HEADER : "webhook secret is not configured on this server");
        }
        String traceId = TraceIds.of(request);
        var command = BaileysPayloads.parse(JsonBodies.readAnyText(request), traceId);
        dev.switchboard.ports.out.TraceContext.tagBusiness(command.businessId());
        quota.take(command.businessId(), command.messages().size());
        ReceiveWhatsAppMessagesResult result = useCase.receive(command);
        LOG.info(() -> "whatsapp webhook enqueued=" + result.enqueued() + " duplicates=" + result.duplicates()
                + " ignored=" + result.ignored() + " trace_id=" + traceId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enqueued", result.enqueued());
        body.put("duplicates", result.duplicates());
        body.put("ignored", result.ignored());
        body.put("job_ids", result.jobIds());
        body.put("trace_id", traceId);
        JsonResponses.send(response, Status.OK_200, body);
    }
}
