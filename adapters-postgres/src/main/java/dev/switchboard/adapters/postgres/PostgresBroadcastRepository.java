package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.BroadcastAudience;
import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.BroadcastRun;
import dev.switchboard.ports.out.BroadcastStatus;
import dev.switchboard.ports.out.NewBroadcast;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The broadcast_runs and broadcast_recipients tables. A recipient's move out of {@code pending}
 * and the run's counter move together, in one statement ({@code WITH moved AS (UPDATE ...)
 * UPDATE broadcast_runs ...}) guarded by {@code state = 'pending'}: a repeated or concurrent move
 * finds the row no longer pending (PostgreSQL re-checks the condition after waiting for the other
 * writer's lock) and changes nothing, so the counters stay exact however often a job reruns.
 */
final class PostgresBroadcastRepository implements BroadcastRepository {
    private static final String COLUMNS = "business_id, run_id, message, status, total, sent, failed, job_id, error,"
            + " created_at, started_at, finished_at";
    private static final int MAX_ERROR = 1000;

    private final Database database;
    private final Clock clock;

    PostgresBroadcastRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Creation create(NewBroadcast broadcast, Function<BroadcastRun, String> enqueue) {
        return database.transaction("create broadcast", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, broadcast.businessId());
            String id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO broadcast_runs (business_id, run_id, message, created_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (business_id, run_id) DO NOTHING RETURNING id::text")) {
                insert.setString(1, broadcast.businessId());
                insert.setString(2, broadcast.runId());
                insert.setString(3, broadcast.message());
                Database.setInstant(insert, 4, clock.instant());
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        // Another request made it (and committed: the insert waited for it).
                        return new Creation(find(connection, broadcast.businessId(), broadcast.runId()).orElseThrow(), false);
                    }
                    id = row.getString(1);
                }
            }
            int total = insertRecipients(connection, broadcast, id);
            if (total == 0) {
                throw new AudienceRejected(broadcast.audience() instanceof BroadcastAudience.LeadFilter
                        ? "the filter matches no lead with a phone number or WhatsApp id" : "no recipient");
            }
            if (total > broadcast.maxRecipients()) {
                throw new AudienceRejected("the filter matches more than " + broadcast.maxRecipients()
                        + " leads; narrow it or split the broadcast");
            }
            update(connection, "UPDATE broadcast_runs SET total = ? WHERE id = ?::uuid", total, id);
            BroadcastRun run = find(connection, broadcast.businessId(), broadcast.runId()).orElseThrow();
            String jobId = enqueue.apply(run);
            update(connection, "UPDATE broadcast_runs SET job_id = ? WHERE id = ?::uuid", jobId, id);
            return new Creation(find(connection, broadcast.businessId(), broadcast.runId()).orElseThrow(), true);
        });
    }

    /** The run's recipients; returns how many (for a filter, at most one more than allowed). */
    private static int insertRecipients(Connection connection, NewBroadcast broadcast, String runId) throws SQLException {
        switch (broadcast.audience()) {
            case BroadcastAudience.Recipients r -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO broadcast_recipients (business_id, run_id, recipient)"
                                + " SELECT ?, ?::uuid, unnest(?::text[]) ON CONFLICT DO NOTHING")) {
                    insert.setString(1, broadcast.businessId());
                    insert.setString(2, runId);
                    insert.setArray(3, connection.createArrayOf("text", r.addresses().toArray()));
                    return insert.executeUpdate();
                }
            }
            case BroadcastAudience.LeadFilter f -> {
                // A lead is reached by its phone, or by its privacy id while it has none. The
                // LIMIT lets "too many" be told without copying a huge audience first.
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO broadcast_recipients (business_id, run_id, recipient)"
                                + " SELECT business_id, ?::uuid, COALESCE(phone, lid) FROM leads WHERE business_id = ?"
                                + (f.status().isPresent() ? " AND status = ?" : "")
                                + (f.source().isPresent() ? " AND source = ?" : "")
                                + " ORDER BY created_at, id LIMIT ? ON CONFLICT DO NOTHING")) {
                    int i = 1;
                    insert.setString(i++, runId);
                    insert.setString(i++, broadcast.businessId());
                    if (f.status().isPresent()) {
                        insert.setString(i++, f.status().get());
                    }
                    if (f.source().isPresent()) {
                        insert.setString(i++, f.source().get());
                    }
                    insert.setInt(i, broadcast.maxRecipients() + 1);
                    return insert.executeUpdate();
                }
            }
        }
    }

    @Override
    public Optional<BroadcastRun> find(String businessId, String runId) {
        return database.run("find broadcast", connection -> find(connection, businessId, runId));
    }

    private static Optional<BroadcastRun> find(Connection connection, String businessId, String runId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM broadcast_runs WHERE business_id = ? AND run_id = ?")) {
            query.setString(1, businessId);
            query.setString(2, runId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(run(row)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<BroadcastRun> start(String businessId, String runId) {
        return database.run("start broadcast", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE broadcast_runs SET status = 'running', started_at = COALESCE(started_at, ?),"
                            + " finished_at = NULL, error = NULL"
                            + " WHERE business_id = ? AND run_id = ? AND status IN ('queued', 'running', 'failed')"
                            + " RETURNING " + COLUMNS)) {
                Database.setInstant(update, 1, clock.instant());
                update.setString(2, businessId);
                update.setString(3, runId);
                try (ResultSet row = update.executeQuery()) {
                    return row.next() ? Optional.of(run(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<String> pending(String businessId, String runId, int limit) {
        return database.run("list pending broadcast recipients", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT r.recipient FROM broadcast_runs b JOIN broadcast_recipients r"
                            + " ON r.business_id = b.business_id AND r.run_id = b.id"
                            + " WHERE b.business_id = ? AND b.run_id = ? AND r.state = 'pending'"
                            + " ORDER BY r.recipient LIMIT ?")) {
                query.setString(1, businessId);
                query.setString(2, runId);
                query.setInt(3, limit);
                List<String> recipients = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        recipients.add(row.getString(1));
                    }
                }
                return recipients;
            }
        });
    }

    @Override
    public boolean markSent(String businessId, String runId, String recipient, String messageId) {
        return move(businessId, runId, recipient, "sent", "sent_at = ?, message_id = ?",
                java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC), messageId);
    }

    @Override
    public boolean markFailed(String businessId, String runId, String recipient, String error) {
        return move(businessId, runId, recipient, "failed", "error = ?",
                error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
    }

    /**
     * Pending to {@code state} with the run's counter of that state. {@code state} and
     * {@code set} are this class's constants, never input; {@code values} are its parameters.
     */
    private boolean move(String businessId, String runId, String recipient, String state, String set,
                         Object... values) {
        return database.run("mark broadcast recipient " + state, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "WITH moved AS (UPDATE broadcast_recipients r SET state = '" + state + "', " + set
                            + " FROM broadcast_runs b"
                            + " WHERE b.business_id = ? AND b.run_id = ? AND r.business_id = b.business_id"
                            + " AND r.run_id = b.id AND r.recipient = ? AND r.state = 'pending' RETURNING r.run_id)"
                            + " UPDATE broadcast_runs SET " + state + " = " + state + " + 1"
                            + " WHERE id IN (SELECT run_id FROM moved)")) {
                int i = 1;
                for (Object value : values) {
                    update.setObject(i++, value);
                }
                update.setString(i++, businessId);
                update.setString(i++, runId);
                update.setString(i, recipient);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<BroadcastRun> end(String businessId, String runId, BroadcastStatus status, Optional<String> error,
                                      Consumer<BroadcastRun> onEnded) {
        String from = switch (status) {
            // Completed only when no recipient is left: the counters say so.
            case COMPLETED -> "status = 'running' AND sent + failed = total";
            case FAILED -> "status IN ('queued', 'running')";
            case CANCELLED -> "status IN ('queued', 'running', 'failed')";
            case QUEUED, RUNNING -> throw new IllegalArgumentException("a run does not end as " + status.id());
        };
        return database.transaction("end broadcast", connection -> {
            BroadcastRun ended;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE broadcast_runs SET status = ?, finished_at = ?, error = ?"
                            + " WHERE business_id = ? AND run_id = ? AND " + from + " RETURNING " + COLUMNS)) {
                update.setString(1, status.id());
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, error.map(e -> e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) : e).orElse(null));
                update.setString(4, businessId);
                update.setString(5, runId);
                try (ResultSet row = update.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<BroadcastRun>empty();
                    }
                    ended = run(row);
                }
            }
            onEnded.accept(ended);
            return Optional.of(ended);
        });
    }

    private static void update(Connection connection, String sql, Object value, String id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setObject(1, value);
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    private static BroadcastRun run(ResultSet row) throws SQLException {
        return new BroadcastRun(row.getString("business_id"), row.getString("run_id"), row.getString("message"),
                BroadcastStatus.parse(row.getString("status")), row.getInt("total"), row.getInt("sent"),
                row.getInt("failed"), Optional.ofNullable(row.getString("job_id")),
                Optional.ofNullable(row.getString("error")), Database.instant(row, "created_at"),
                Optional.ofNullable(Database.instant(row, "started_at")),
                Optional.ofNullable(Database.instant(row, "finished_at")));
    }
}
