package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.SendPushCommand;
import dev.switchboard.ports.in.SendPushUseCase;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.PushNotification;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/push}: one {@code push_send_job}, deduplicated per notification id. Until the
 * job has a handler the route is mounted without a use case and answers 501 naming what is
 * missing, so no job is enqueued that would only fail as unknown.
 */
public final class PushHttpService implements HttpService {
    static final String JOB = "push_send_job";
    private static final Set<String> FIELDS = Set.of("notification_id", "user_id", "title", "body", "url");

    private final BearerTokens tokens;
    private final Optional<SendPushUseCase> push;
    private final EnqueueQuota quota;

    /** @param push the use case, or empty while {@code push_send_job} has no handler (501) */
    public PushHttpService(BearerTokens tokens, Optional<SendPushUseCase> push, EnqueueQuota quota) {
        this.tokens = tokens;
        this.push = push;
        this.quota = quota;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/push", this::push);
    }

    private void push(ServerRequest request, ServerResponse response) {
        String business = ApiRequests.businessOf(tokens.authenticate(request), request);
        if (push.isEmpty()) {
            NotBuilt.answer(response, "push notifications", JOB);
            return;
        }
        JsonNode body = JsonFields.object(JsonBodies.read(request), FIELDS, "");
        SendPushCommand command = new SendPushCommand(business, TraceIds.of(request),
                JsonFields.requiredText(body, "notification_id", "notification_id"),
                JsonFields.requiredText(body, "user_id", "user_id"), JsonFields.requiredText(body, "title", "title"),
                JsonFields.requiredText(body, "body", "body"), JsonFields.optionalText(body, "url", "url"));
        // What the devices get is this JSON, encrypted in one record: refused now if it cannot be,
        // rather than accepted and then failed for good on every device. The job adds the
        // notification's topic as its tag: counted at its longest.
        int bytes = HttpWebPushSender.payload(new PushNotification(command.title(), command.body(), command.url(),
                Duration.ofDays(1), PushNotification.Urgency.NORMAL,
                Optional.of("t".repeat(PushNotification.MAX_TOPIC_LENGTH)))).length;
        if (bytes > WebPushEncryption.MAX_PLAINTEXT) {
            throw new HttpProblem(Status.BAD_REQUEST_400, "title, body and url make a push of " + bytes
                    + " bytes (UTF-8, as JSON, with the " + PushNotification.MAX_TOPIC_LENGTH
                    + "-character tag the push adds); a push holds at most " + WebPushEncryption.MAX_PLAINTEXT);
        }
        quota.take(business, 1);
        EnqueueResult result = push.get().send(command);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job_id", result.jobId());
        json.put("duplicate", result instanceof EnqueueResult.Duplicate);
        JsonResponses.send(response, Status.ACCEPTED_202, json);
    }
}
