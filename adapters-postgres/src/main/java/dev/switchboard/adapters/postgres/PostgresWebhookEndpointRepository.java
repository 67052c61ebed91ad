package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LimitReachedException;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.WebhookEndpointRepository;

import java.net.URI;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The webhook_endpoints table; deleting an endpoint deletes its deliveries (foreign key cascade). */
final class PostgresWebhookEndpointRepository implements WebhookEndpointRepository {
    private static final String COLUMNS = "id::text AS id, business_id, url, events, secret, active, created_at";

    private final Database database;
    private final Clock clock;

    PostgresWebhookEndpointRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public WebhookEndpoint create(String businessId, URI url, Set<String> events, String secret) {
        return database.transaction("create webhook endpoint", connection -> {
            PostgresLeadRepository.lockBusiness(connection, businessId);
            if (PostgresLeadRepository.countOfBusiness(connection, "webhook_endpoints", businessId) >= MAX_PER_BUSINESS) {
                throw new LimitReachedException("a business has at most " + MAX_PER_BUSINESS + " webhook endpoints",
                        MAX_PER_BUSINESS);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO webhook_endpoints (business_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)"
                            + " RETURNING " + COLUMNS)) {
                insert.setString(1, businessId);
                insert.setString(2, url.toString());
                insert.setArray(3, connection.createArrayOf("text", events.stream().sorted().toArray()));
                insert.setString(4, secret);
                Database.setInstant(insert, 5, clock.instant());
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return endpoint(row);
                }
            }
        });
    }

    @Override
    public List<WebhookEndpoint> list(String businessId) {
        return database.run("list webhook endpoints", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE business_id = ? ORDER BY created_at DESC, id")) {
                query.setString(1, businessId);
                return endpoints(query);
            }
        });
    }

    @Override
    public Optional<WebhookEndpoint> find(String businessId, String endpointId) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return Optional.empty();
        }
        return database.run("find webhook endpoint", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE business_id = ? AND id = ?::uuid")) {
                query.setString(1, businessId);
                query.setString(2, endpointId);
                List<WebhookEndpoint> found = endpoints(query);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
            }
        });
    }

    @Override
    public boolean delete(String businessId, String endpointId) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return false;
        }
        return database.run("delete webhook endpoint", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM webhook_endpoints WHERE business_id = ? AND id = ?::uuid")) {
                delete.setString(1, businessId);
                delete.setString(2, endpointId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<WebhookEndpoint> subscribedTo(String businessId, String eventType) {
        return database.run("find subscribed webhook endpoints", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE business_id = ? AND active AND ? = ANY (events)"
                            + " ORDER BY created_at, id")) {
                query.setString(1, businessId);
                query.setString(2, eventType);
                return endpoints(query);
            }
        });
    }

    @Override
    public void disable(String businessId, String endpointId) {
        if (!PostgresLeadRepository.isUuid(endpointId)) {
            return;
        }
        database.run("disable webhook endpoint", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE webhook_endpoints SET active = false WHERE business_id = ? AND id = ?::uuid")) {
                update.setString(1, businessId);
                update.setString(2, endpointId);
                return update.executeUpdate();
            }
        });
    }

    private static List<WebhookEndpoint> endpoints(PreparedStatement query) throws SQLException {
        List<WebhookEndpoint> out = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                out.add(endpoint(row));
            }
        }
        return out;
    }

    private static WebhookEndpoint endpoint(ResultSet row) throws SQLException {
        Array events = row.getArray("events");
        return new WebhookEndpoint(row.getString("id"), row.getString("business_id"), URI.create(row.getString("url")),
                Set.of((String[]) events.getArray()), row.getString("secret"), row.getBoolean("active"),
                Database.instant(row, "created_at"));
    }
}
