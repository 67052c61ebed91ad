package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The record of each event's delivery to each endpoint (one row per endpoint and event). */
public interface WebhookDeliveryRepository {

    /** Records an attempt: creates the delivery on the first one, counts the rest. */
    void attempted(String businessId, String endpointId, String eventId, String eventType, String payloadJson,
                   Optional<String> error, Instant at);

    void delivered(String businessId, String endpointId, String eventId, Instant at);

    /** Given up: no more retries (a final answer, the retries exhausted, or the endpoint gone). */
    void failed(String businessId, String endpointId, String eventId, String error);

    /** An endpoint's deliveries, newest first. */
    List<WebhookDelivery> recent(String businessId, String endpointId, int limit);
}
