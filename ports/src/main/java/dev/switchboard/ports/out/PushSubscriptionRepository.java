package dev.switchboard.ports.out;

import java.util.List;

/**
 * The browsers each user of a business receives pushes on. A push endpoint is one browser: it is
 * stored once, and subscribing it again (new keys, another user, another business logging in on
 * the same device) updates that row and makes it active.
 */
public interface PushSubscriptionRepository {

    /** Registers a browser for a user, or updates it; returns it as stored, active. */
    StoredPushSubscription subscribe(String businessId, String userId, PushSubscription subscription);

    /** Removes the business's subscription with this endpoint; false when it has none. */
    boolean unsubscribe(String businessId, String endpoint);

    /** One of the business's subscriptions, active or not. */
    java.util.Optional<StoredPushSubscription> find(String businessId, String subscriptionId);

    /** The user's active subscriptions. */
    List<StoredPushSubscription> activeFor(String businessId, String userId);

    /** The push service said the subscription is gone: never push to it again (until re-subscribed). */
    void deactivate(String businessId, String subscriptionId);
}
