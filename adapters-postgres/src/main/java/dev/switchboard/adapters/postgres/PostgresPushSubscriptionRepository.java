package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.StoredPushSubscription;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The push_subscriptions table. A business and an endpoint are one row (one browser, subscribed
 * for that business): subscribing again is one {@code INSERT ... ON CONFLICT (business_id, endpoint)
 * DO UPDATE} that takes the new keys and user and makes the row active, so a device that changes
 * hands within a business (another login on the same browser) pushes to its current user only. The
 * same browser subscribed for another business is another row, which this never touches.
 */
final class PostgresPushSubscriptionRepository implements PushSubscriptionRepository {
    private static final String COLUMNS = "id::text AS id, business_id, user_id, endpoint, p256dh, auth, active";

    private final Database database;

    PostgresPushSubscriptionRepository(Database database) {
        this.database = database;
    }

    @Override
    public StoredPushSubscription subscribe(String businessId, String userId, PushSubscription subscription) {
        return database.transaction("subscribe to pushes", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, businessId);
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO push_subscriptions (business_id, user_id, endpoint, p256dh, auth, active)"
                            + " VALUES (?, ?, ?, ?, ?, true)"
                            + " ON CONFLICT (business_id, endpoint) DO UPDATE SET"
                            + " user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, active = true"
                            + " RETURNING " + COLUMNS)) {
                upsert.setString(1, businessId);
                upsert.setString(2, userId);
                upsert.setString(3, subscription.endpoint());
                upsert.setString(4, subscription.p256dh());
                upsert.setString(5, subscription.auth());
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return subscription(row);
                }
            }
        });
    }

    @Override
    public boolean unsubscribe(String businessId, String endpoint) {
        return database.run("unsubscribe from pushes", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM push_subscriptions WHERE business_id = ? AND endpoint = ?")) {
                delete.setString(1, businessId);
                delete.setString(2, endpoint);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<StoredPushSubscription> find(String businessId, String subscriptionId) {
        if (!PostgresLeadRepository.isUuid(subscriptionId)) {
            return Optional.empty();
        }
        return database.run("find push subscription", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM push_subscriptions WHERE business_id = ? AND id = ?::uuid")) {
                query.setString(1, businessId);
                query.setString(2, subscriptionId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(subscription(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredPushSubscription> activeFor(String businessId, String userId) {
        return database.run("list push subscriptions", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM push_subscriptions WHERE business_id = ? AND user_id = ? AND active"
                            + " ORDER BY created_at, id")) {
                query.setString(1, businessId);
                query.setString(2, userId);
                List<StoredPushSubscription> out = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        out.add(subscription(row));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void deactivate(String businessId, String subscriptionId) {
        if (!PostgresLeadRepository.isUuid(subscriptionId)) {
            return;
        }
        database.run("deactivate push subscription", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE push_subscriptions SET active = false WHERE business_id = ? AND id = ?::uuid")) {
                update.setString(1, businessId);
                update.setString(2, subscriptionId);
                return update.executeUpdate();
            }
        });
    }

    private static StoredPushSubscription subscription(ResultSet row) throws SQLException {
        return new StoredPushSubscription(row.getString("id"), row.getString("business_id"), row.getString("user_id"),
                new PushSubscription(row.getString("endpoint"), row.getString("p256dh"), row.getString("auth")),
                row.getBoolean("active"));
    }
}
