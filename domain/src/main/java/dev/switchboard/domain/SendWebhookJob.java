package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import dev.switchboard.ports.out.WebhookMessage;
import dev.switchboard.ports.out.WebhookSender;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code send_webhook_job}: one event to one endpoint, signed per Standard Webhooks
 * (docs/webhooks.md). The body and the event id travel in the job, so every attempt sends the same
 * bytes under the same {@code webhook-id}; each attempt is recorded on the delivery row the
 * business can read.
 *
 * <p>Delivered: done. 410: the endpoint is disabled and the delivery failed, no retries. 429, 5xx,
 * 3xx, timeouts: retried on the spec's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
 * 24 h), not before {@code Retry-After}; when retries run out the delivery is failed and the job
 * stays in the failed registry, requeueable. Another 4xx or a refused URL fails at once, the same
 * way. A deleted or disabled endpoint is skipped.
 */
public final class SendWebhookJob implements JobHandler {

    public static final RetryPolicy RETRY = RetryPolicy.of(9, Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14),
            Duration.ofHours(20), Duration.ofHours(24));

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("send_webhook_job", Queues.DEFAULT, RETRY,
            Duration.ofMinutes(1), new Codec(), SendWebhookJob::new);

    /**
     * @param eventId the {@code webhook-id}
     * @param body    the JSON body, exactly as signed and sent
     */
    public record Args(String endpointId, String eventId, String eventType, String body) {
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("endpoint_id", a.endpointId()).put("event_id", a.eventId())
                    .put("event_type", a.eventType()).put("body", a.body()).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("endpoint_id"), k.string("event_id"), k.string("event_type"), k.string("body"));
        }
    }

    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final WebhookSender sender;
    private final Clock clock;

    public SendWebhookJob(JobCollaborators c) {
        this.endpoints = c.webhookEndpoints();
        this.deliveries = c.webhookDeliveries();
        this.sender = c.webhooks();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        String business = job.businessId();
        Map<String, Object> result = new LinkedHashMap<>();
        Optional<WebhookEndpoint> endpoint = endpoints.find(business, args.endpointId());
        if (endpoint.isEmpty()) {
            result.put("skipped", "endpoint deleted");
            return result;
        }
        if (!endpoint.get().active()) {
            deliveries.failed(business, args.endpointId(), args.eventId(), "endpoint disabled");
            result.put("skipped", "endpoint disabled");
            return result;
        }
        WebhookMessage message;
        try {
            message = new WebhookMessage(endpoint.get().url(), args.eventId(), args.body(), List.of(endpoint.get().secret()));
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent("cannot send: " + e.getMessage(), e);
        }
        DeliveryOutcome outcome = sender.send(message);
        Optional<String> error = switch (outcome) {
            case DeliveryOutcome.Delivered d -> Optional.empty();
            case DeliveryOutcome.Gone g -> Optional.of("endpoint answered 410: disabled");
            case DeliveryOutcome.RetryLater r -> Optional.of(r.reason());
            case DeliveryOutcome.Rejected r -> Optional.of(r.reason());
        };
        deliveries.attempted(business, args.endpointId(), args.eventId(), args.eventType(), args.body(), error,
                clock.instant());
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> {
                deliveries.delivered(business, args.endpointId(), args.eventId(), clock.instant());
                result.put("delivered", d.status());
            }
            case DeliveryOutcome.Gone g -> {
                endpoints.disable(business, args.endpointId());
                deliveries.failed(business, args.endpointId(), args.eventId(), error.orElseThrow());
                result.put("endpoint_disabled", g.status());
            }
            case DeliveryOutcome.RetryLater r -> {
                if (job.attempt() > RETRY.max()) {
                    deliveries.failed(business, args.endpointId(), args.eventId(), r.reason() + " (retries exhausted)");
                }
                throw JobFailure.retryAfter(r.reason(), null, r.retryAfter());
            }
            case DeliveryOutcome.Rejected r -> {
                deliveries.failed(business, args.endpointId(), args.eventId(), r.reason());
                throw JobFailure.permanent(r.reason(), null);
            }
        }
        return result;
    }
}
