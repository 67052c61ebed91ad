package dev.switchboard.ports.out;

import java.util.Objects;

/** A browser subscription as stored for one user of one business. */
public record StoredPushSubscription(String id, String businessId, String userId, PushSubscription subscription,
                                     boolean active) {
    public StoredPushSubscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(subscription, "subscription");
    }
}
