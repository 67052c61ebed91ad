package dev.switchboard.domain;

import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Publishes a business event to the endpoints that want it: the body (Standard Webhooks' {@code
 * type}, {@code timestamp}, {@code data}) is written once here, and one {@code send_webhook_job}
 * per endpoint carries it, deduplicated on the endpoint and the event id, so publishing the same
 * event twice (a rerun of the job that published it) delivers it once.
 *
 * <p>Every job that publishes derives the event id from what the event is about
 * ({@link #eventIdFor(String, String, String)}: the type, the business and the lead, message,
 * reminder, call or run), never a random one: a rerun then publishes the same event, which the
 * dedupe key folds (for {@link DedupeKeys#EVENT_TTL}, like every event dedupe). A publisher may
 * therefore publish again whenever it cannot tell whether an earlier attempt did.
 */
public final class WebhookEvents {
    public static final String LEAD_CREATED = "lead.created";
    public static final String MESSAGE_RECEIVED = "message.received";
    public static final String MESSAGE_SENT = "message.sent";
    public static final String CALL_COMPLETED = "call.completed";
    public static final String BROADCAST_FINISHED = "broadcast.finished";
    public static final String REMINDER_SENT = "reminder.sent";

    private final WebhookEndpointRepository endpoints;
    private final JobQueue jobs;

    public WebhookEvents(WebhookEndpointRepository endpoints, JobQueue jobs) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    /** A fresh event id in the form receivers see as {@code webhook-id}. */
    public static String newEventId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** An event id derived from what the event is about, so republishing it gives the same id. */
    public static String eventIdFor(String naturalKey) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(naturalKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "msg_" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The id of the {@code type} event about {@code subjectId} (a lead, message, call, run id) in a
     * business: publishing it again gives the same id.
     */
    public static String eventIdFor(String type, String businessId, String subjectId) {
        return eventIdFor(type + ":" + DedupeKeys.part(businessId) + ":" + DedupeKeys.part(subjectId));
    }

    /** The {@code data} of {@code lead.created}: ids and contact fields, no conversation. */
    public static Map<String, Object> leadData(Lead lead) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("lead_id", lead.id());
        data.put("phone", lead.phone().orElse(null));
        data.put("email", lead.email().orElse(null));
        data.put("name", lead.name().orElse(null));
        data.put("source", lead.source());
        data.put("status", lead.status());
        data.put("created_at", lead.createdAt().toString());
        return data;
    }

    /** The {@code data} of {@code message.received} and {@code message.sent}. */
    public static Map<String, Object> messageData(ChatMessage message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("lead_id", message.leadId());
        data.put("message_id", message.messageId());
        data.put("channel", message.channel());
        data.put("kind", message.kind());
        data.put("text", message.text().orElse(null));
        data.put("at", message.at().toString());
        data.put("author_name", message.authorName().orElse(null));
        return data;
    }

    /** One event's delivery to one endpoint: {@code webhook:<endpoint>:<event>}. */
    static String deliveryKey(String endpointId, String eventId) {
        return DedupeKeys.bounded("webhook:", DedupeKeys.part(endpointId) + ":" + DedupeKeys.part(eventId));
    }

    /**
     * Queues the event for each active endpoint of the business subscribed to {@code type}.
     *
     * @return how many endpoints it was queued for
     */
    public int publish(String businessId, String traceId, String eventId, String type, Instant at,
                       Map<String, ?> data) {
        List<JobRequest> requests = requests(subscribed(businessId, type), businessId, traceId, eventId, type, at, data);
        requests.forEach(jobs::enqueue);
        return requests.size();
    }

    /** The business's active endpoints that want {@code type}. */
    public List<WebhookEndpoint> subscribed(String businessId, String type) {
        if (!WebhookEndpoint.EVENT_TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown event type " + type);
        }
        return endpoints.subscribedTo(businessId, type);
    }

    /**
     * The jobs that deliver the event to {@code subscribed}, for a caller that must enqueue them at
     * a moment of its choosing (inside a transaction that holds no other connection).
     */
    public static List<JobRequest> requests(List<WebhookEndpoint> subscribed, String businessId, String traceId,
                                            String eventId, String type, Instant at, Map<String, ?> data) {
        if (subscribed.isEmpty()) {
            return List.of();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", at.toString());
        body.put("data", data);
        String json = JsonText.of(body);
        List<JobRequest> requests = new ArrayList<>();
        for (WebhookEndpoint endpoint : subscribed) {
            requests.add(SendWebhookJob.DEFINITION.deduplicatedRequest(
                    new SendWebhookJob.Args(endpoint.id(), eventId, type, json), businessId, traceId,
                    deliveryKey(endpoint.id(), eventId), DedupeKeys.EVENT_TTL));
        }
        return requests;
    }
}
