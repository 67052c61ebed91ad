package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.BusinessRepository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The businesses table. Settings are a JSON object of strings, built and taken apart by
 * PostgreSQL itself ({@code jsonb_object}, {@code jsonb_each_text}), so no JSON is written by hand.
 */
final class PostgresBusinessRepository implements BusinessRepository {

    private static final String COLUMNS = "id, name, zone, agent_prompt,"
            + " (SELECT array_agg(key ORDER BY key) FROM jsonb_each_text(settings)) AS setting_keys,"
            + " (SELECT array_agg(value ORDER BY key) FROM jsonb_each_text(settings)) AS setting_values";

    private final Database database;

    PostgresBusinessRepository(Database database) {
        this.database = database;
    }

    @Override
    public Optional<Business> find(String businessId) {
        Objects.requireNonNull(businessId, "businessId");
        return database.run("find business", connection -> select(connection, businessId));
    }

    @Override
    public Business findOrCreate(String businessId) {
        Business unconfigured = Business.unconfigured(businessId);
        return database.run("find or create business", connection -> {
            // A concurrent creator's insert is waited for, so the select below always sees the row.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO businesses (id, name, zone) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                insert.setString(1, unconfigured.id());
                insert.setString(2, unconfigured.name());
                insert.setString(3, unconfigured.zone().getId());
                insert.executeUpdate();
            }
            return select(connection, businessId)
                    .orElseThrow(() -> new IllegalStateException("business " + businessId + " vanished after its insert"));
        });
    }

    /**
     * One index probe per business ({@code call_logs_business_newest}: business, started_at) rather
     * than a scan of every call: the question is asked every few minutes ({@code warmup_agents_job}).
     */
    @Override
    public List<String> idsWithCallsSince(Instant since, int limit) {
        Objects.requireNonNull(since, "since");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return database.run("businesses with recent calls", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT b.id FROM businesses b WHERE EXISTS (SELECT 1 FROM call_logs c"
                            + " WHERE c.business_id = b.id AND c.started_at >= ?) ORDER BY b.id LIMIT ?")) {
                Database.setInstant(query, 1, since);
                query.setInt(2, limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    @Override
    public Business save(Business business) {
        Objects.requireNonNull(business, "business");
        String[] keys = business.settings().keySet().stream().sorted().toArray(String[]::new);
        String[] values = Arrays.stream(keys).map(business.settings()::get).toArray(String[]::new);
        return database.run("save business", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO businesses (id, name, zone, agent_prompt, settings)"
                            + " VALUES (?, ?, ?, ?, jsonb_object(?::text[], ?::text[]))"
                            + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, zone = EXCLUDED.zone,"
                            + " agent_prompt = EXCLUDED.agent_prompt, settings = EXCLUDED.settings, updated_at = now()"
                            + " RETURNING " + COLUMNS)) {
                upsert.setString(1, business.id());
                upsert.setString(2, business.name());
                upsert.setString(3, business.zone().getId());
                upsert.setString(4, business.agentPrompt().orElse(null));
                upsert.setArray(5, connection.createArrayOf("text", keys));
                upsert.setArray(6, connection.createArrayOf("text", values));
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return business(row);
                }
            }
        });
    }

    private static Optional<Business> select(Connection connection, String businessId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM businesses WHERE id = ?")) {
            query.setString(1, businessId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(business(row)) : Optional.empty();
            }
        }
    }

    private static Business business(ResultSet row) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        String[] keys = strings(row.getArray("setting_keys"));
        String[] values = strings(row.getArray("setting_values"));
        for (int i = 0; i < keys.length; i++) {
            settings.put(keys[i], values[i]);
        }
        return new Business(row.getString("id"), row.getString("name"), ZoneId.of(row.getString("zone")),
                Optional.ofNullable(row.getString("agent_prompt")), settings);
    }

    private static String[] strings(Array array) throws SQLException {
        if (array == null) {
            return new String[0];
        }
        try {
            return (String[]) array.getArray();
        } finally {
            array.free();
        }
    }
}
