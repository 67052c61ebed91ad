package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.WebhookDelivery;
import dev.switchboard.ports.out.WebhookDeliveryRepository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The webhook_deliveries table: one row per endpoint and event (its unique key), created by the
 * first attempt and counted by the rest in one upsert. A delivered row stays delivered.
 */
final class PostgresWebhookDeliveryRepository implements WebhookDeliveryRepository {
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final Database database;

    PostgresWebhookDeliveryRepository(Database database) {
        this.database = database;
    }

    @Override
    public void attempted(String businessId, String endpointId, String eventId, String eventType, String payloadJson,
                          Optional<String> error, Instant at) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return;
        }
        database.run("record webhook attempt", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO webhook_deliveries AS d (business_id, endpoint_id, event_id, event_type, payload, status,"
                            + " attempts, last_error, created_at, last_attempt_at)"
                            + " VALUES (?, ?::uuid, ?, ?, ?::jsonb, 'pending', 1, ?, ?, ?)"
                            + " ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = d.attempts + 1,"
                            + " last_error = EXCLUDED.last_error, last_attempt_at = EXCLUDED.last_attempt_at,"
                            + " status = CASE WHEN d.status = 'delivered' THEN 'delivered' ELSE 'pending' END")) {
                upsert.setString(1, businessId);
                upsert.setString(2, endpointId);
                upsert.setString(3, eventId);
                upsert.setString(4, eventType);
                upsert.setString(5, payloadJson);
                upsert.setString(6, error.orElse(null));
                Database.setInstant(upsert, 7, at);
                Database.setInstant(upsert, 8, at);
                return upsert.executeUpdate();
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    return 0; // the endpoint was deleted meanwhile, and its deliveries with it
                }
                throw e;
            }
        });
    }

    @Override
    public void delivered(String businessId, String endpointId, String eventId, Instant at) {
        update("record webhook delivered", "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?,"
                + " last_error = NULL WHERE business_id = ? AND endpoint_id = ?::uuid AND event_id = ?", at, null,
                businessId, endpointId, eventId);
    }

    @Override
    public void failed(String businessId, String endpointId, String eventId, String error) {
        update("record webhook failed", "UPDATE webhook_deliveries SET status = 'failed', last_error = ?"
                        + " WHERE business_id = ? AND endpoint_id = ?::uuid AND event_id = ? AND status <> 'delivered'",
                null, error, businessId, endpointId, eventId);
    }

    private void update(String operation, String sql, Instant at, String text, String businessId, String endpointId,
                        String eventId) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return;
        }
        database.run(operation, connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                if (at != null) {
                    Database.setInstant(update, 1, at);
                } else {
                    update.setString(1, text);
                }
                update.setString(2, businessId);
                update.setString(3, endpointId);
                update.setString(4, eventId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public List<WebhookDelivery> recent(String businessId, String endpointId, int limit) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return List.of();
        }
        return database.run("list webhook deliveries", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT business_id, endpoint_id::text AS endpoint_id, event_id, event_type, status, attempts, last_error,"
                            + " created_at, last_attempt_at, delivered_at FROM webhook_deliveries"
                            + " WHERE business_id = ? AND endpoint_id = ?::uuid ORDER BY created_at DESC, event_id LIMIT ?")) {
                query.setString(1, businessId);
                query.setString(2, endpointId);
                query.setInt(3, limit);
                List<WebhookDelivery> out = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        out.add(new WebhookDelivery(row.getString("business_id"), row.getString("endpoint_id"),
                                row.getString("event_id"), row.getString("event_type"), row.getString("status"),
                                row.getInt("attempts"), Optional.ofNullable(row.getString("last_error")),
                                Database.instant(row, "created_at"),
                                Optional.ofNullable(Database.instant(row, "last_attempt_at")),
                                Optional.ofNullable(Database.instant(row, "delivered_at"))));
                    }
                }
                return out;
            }
        });
    }
}
