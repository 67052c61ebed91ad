package dev.switchboard.ports.out;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The webhook endpoints each business registered. */
public interface WebhookEndpointRepository {

    /** How many endpoints one business may register. */
    int MAX_PER_BUSINESS = 50;

    /**
     * Registers an endpoint.
     *
     * @throws LimitReachedException when the business has {@link #MAX_PER_BUSINESS} already; the
     *     count and the insert are one step, so concurrent requests cannot go over it
     */
    WebhookEndpoint create(String businessId, URI url, Set<String> events, String secret);

    /** The business's endpoints, newest first, active or not. */
    List<WebhookEndpoint> list(String businessId);

    Optional<WebhookEndpoint> find(String businessId, String endpointId);

    /** Deletes an endpoint and its deliveries; false when the business has none with this id. */
    boolean delete(String businessId, String endpointId);

    /** The business's active endpoints that want {@code eventType}. */
    List<WebhookEndpoint> subscribedTo(String businessId, String eventType);

    /** The receiver answered 410: no more deliveries to it. */
    void disable(String businessId, String endpointId);
}
