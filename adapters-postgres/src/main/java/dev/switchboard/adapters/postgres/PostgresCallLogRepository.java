package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.CallLog;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogPage;
import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The tables {@code call_logs} and {@code call_turns}. One log per business and call sid, one
 * turn per call and number: both are constraints, written with {@code ON CONFLICT}, so the call
 * jobs may run twice. Every write to a call locks its log row first, so the transcript (the turns,
 * one line each, rebuilt from the table) never misses a turn saved at the same moment, and a call
 * is finalized by exactly one of any callers racing to do it.
 */
final class PostgresCallLogRepository implements CallLogRepository {

    static final int MAX_PAGE = 500;
    private static final String COLUMNS = "id::text AS id, business_id, call_sid, lead_id::text AS lead_id, direction,"
            + " from_number, to_number, stream_sid, started_at, ended_at, duration_seconds, outcome, transcript,"
            + " created_at, updated_at";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    /** The transcript of the call log {@code c}: its turns in order, one {@code speaker: text} line each. */
    private static final String TRANSCRIPT = "(SELECT string_agg(t.speaker || ': ' || t.text, E'\\n' ORDER BY t.seq)"
            + " FROM call_turns t WHERE t.business_id = c.business_id AND t.call_log_id = c.id)";

    private final Database database;
    private final Clock clock;

    PostgresCallLogRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public CallLog open(CallLogStart start) {
        Objects.requireNonNull(start, "start");
        return database.transaction("open call log", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, start.businessId());
            Instant now = clock.instant();
            // DO UPDATE rather than DO NOTHING so the row comes back either way; it only fills a
            // stream sid the log lacks.
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO call_logs AS c (business_id, call_sid, direction, from_number, to_number, stream_sid,"
                            + " started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (business_id, call_sid) DO UPDATE"
                            + " SET stream_sid = COALESCE(c.stream_sid, EXCLUDED.stream_sid)"
                            + " RETURNING " + COLUMNS)) {
                upsert.setString(1, start.businessId());
                upsert.setString(2, start.callSid());
                upsert.setString(3, start.direction());
                upsert.setString(4, start.fromNumber().orElse(null));
                upsert.setString(5, start.toNumber().orElse(null));
                upsert.setString(6, start.streamSid().filter(s -> !s.isEmpty()).orElse(null));
                Database.setInstant(upsert, 7, start.startedAt());
                Database.setInstant(upsert, 8, now);
                Database.setInstant(upsert, 9, now);
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return callLog(row);
                }
            }
        });
    }

    @Override
    public boolean linkLead(String businessId, String callSid, String leadId) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        if (!PostgresLeadRepository.isUuid(leadId)) {
            throw new IllegalArgumentException("no lead " + leadId + " in this business");
        }
        return database.run("link call to lead", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE call_logs SET lead_id = COALESCE(lead_id, ?::uuid),"
                            + " updated_at = CASE WHEN lead_id IS NULL THEN ? ELSE updated_at END"
                            + " WHERE business_id = ? AND call_sid = ?")) {
                update.setString(1, leadId);
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, businessId);
                update.setString(4, callSid);
                return update.executeUpdate() > 0;
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("no lead " + leadId + " in this business", e);
                }
                throw e;
            }
        });
    }

    @Override
    public boolean saveTurn(String businessId, String callSid, CallTurn turn) {
        Objects.requireNonNull(turn, "turn");
        return database.transaction("save call turn", connection -> {
            Optional<CallLog> log = lock(connection, businessId, callSid);
            if (log.isEmpty()) {
                return false;
            }
            boolean inserted;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO call_turns (business_id, call_log_id, seq, speaker, text, at)"
                            + " VALUES (?, ?::uuid, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, businessId);
                insert.setString(2, log.get().id());
                insert.setInt(3, turn.seq());
                insert.setString(4, turn.speaker());
                insert.setString(5, turn.text());
                Database.setInstant(insert, 6, turn.at());
                inserted = insert.executeUpdate() > 0;
            }
            if (inserted) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE call_logs c SET transcript = " + TRANSCRIPT + ", updated_at = ?"
                                + " WHERE c.business_id = ? AND c.id = ?::uuid")) {
                    Database.setInstant(update, 1, clock.instant());
                    update.setString(2, businessId);
                    update.setString(3, log.get().id());
                    update.executeUpdate();
                }
            }
            return inserted;
        });
    }

    @Override
    public Optional<Finalization> finalizeOnce(String businessId, String callSid, CallLogEnd end,
                                               Consumer<CallLog> whileFinalizing) {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(whileFinalizing, "whileFinalizing");
        return database.transaction("finalize call log", connection -> {
            Optional<CallLog> locked = lock(connection, businessId, callSid);
            if (locked.isEmpty()) {
                return Optional.<Finalization>empty();
            }
            CallLog log = locked.get();
            if (log.finalized()) {
                return Optional.of(new Finalization(log, false));
            }
            Instant ended = end.endedAt().orElse(lastSignOfLife(connection, log));
            if (ended.isBefore(log.startedAt())) {
                ended = log.startedAt();   // clocks of two processes: a call never ends before it began
            }
            int duration = end.durationSeconds().orElse(wholeSeconds(Duration.between(log.startedAt(), ended)));
            CallLog finalized;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE call_logs c SET ended_at = ?, duration_seconds = ?, outcome = ?, transcript = " + TRANSCRIPT
                            + ", updated_at = ? WHERE c.business_id = ? AND c.id = ?::uuid RETURNING " + COLUMNS)) {
                Database.setInstant(update, 1, ended);
                update.setInt(2, duration);
                update.setString(3, end.outcome());
                Database.setInstant(update, 4, clock.instant());
                update.setString(5, businessId);
                update.setString(6, log.id());
                try (ResultSet row = update.executeQuery()) {
                    row.next();
                    finalized = callLog(row);
                }
            }
            whileFinalizing.accept(finalized);
            return Optional.of(new Finalization(finalized, true));
        });
    }

    /** The latest moment the store saw the call alive: its last turn, else its start. */
    private static Instant lastSignOfLife(Connection connection, CallLog log) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT max(at) AS at FROM call_turns WHERE business_id = ? AND call_log_id = ?::uuid")) {
            query.setString(1, log.businessId());
            query.setString(2, log.id());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                Instant last = Database.instant(row, "at");
                return last == null || last.isBefore(log.startedAt()) ? log.startedAt() : last;
            }
        }
    }

    static int wholeSeconds(Duration duration) {
        long seconds = (duration.toMillis() + 500) / 1000;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, seconds));
    }

    /** The call's log, locked for the rest of the transaction (every write to a call goes through here). */
    private static Optional<CallLog> lock(Connection connection, String businessId, String callSid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM call_logs WHERE business_id = ? AND call_sid = ? FOR UPDATE")) {
            query.setString(1, Objects.requireNonNull(businessId, "businessId"));
            query.setString(2, Objects.requireNonNull(callSid, "callSid"));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(callLog(row)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<CallLog> find(String businessId, String callSid) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        return database.run("find call log", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM call_logs WHERE business_id = ? AND call_sid = ?")) {
                query.setString(1, businessId);
                query.setString(2, callSid);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(callLog(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean heldByAnotherBusiness(String businessId, String callSid) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        return database.run("check call log owner", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM call_logs WHERE call_sid = ? AND business_id <> ? LIMIT 1")) {
                query.setString(1, callSid);
                query.setString(2, businessId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public List<CallTurn> turns(String businessId, String callSid) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        return database.run("list call turns", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT t.seq, t.speaker, t.text, t.at FROM call_turns t JOIN call_logs c"
                            + " ON c.business_id = t.business_id AND c.id = t.call_log_id"
                            + " WHERE c.business_id = ? AND c.call_sid = ? ORDER BY t.seq")) {
                query.setString(1, businessId);
                query.setString(2, callSid);
                List<CallTurn> turns = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        turns.add(new CallTurn(row.getInt("seq"), row.getString("speaker"), row.getString("text"),
                                Database.instant(row, "at")));
                    }
                }
                return turns;
            }
        });
    }

    /** Newest first; ties (calls started in the same instant) by id, so pages never overlap. */
    @Override
    public CallLogPage list(String businessId, int offset, int limit) {
        Objects.requireNonNull(businessId, "businessId");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
        }
        return database.transaction("list call logs", connection -> {
            long total;
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT count(*) FROM call_logs WHERE business_id = ?")) {
                count.setString(1, businessId);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<CallLog> calls = new ArrayList<>();
            try (PreparedStatement page = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM call_logs WHERE business_id = ?"
                            + " ORDER BY started_at DESC, id DESC OFFSET ? LIMIT ?")) {
                page.setString(1, businessId);
                page.setInt(2, offset);
                page.setInt(3, limit);
                try (ResultSet row = page.executeQuery()) {
                    while (row.next()) {
                        calls.add(callLog(row));
                    }
                }
            }
            return new CallLogPage(calls, total, offset, limit);
        });
    }

    @Override
    public List<CallLog> openStreamsStartedBefore(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return database.run("list open call streams", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM call_logs WHERE ended_at IS NULL AND stream_sid IS NOT NULL"
                            + " AND started_at < ? ORDER BY started_at LIMIT ?")) {
                Database.setInstant(query, 1, cutoff);
                query.setInt(2, limit);
                List<CallLog> calls = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        calls.add(callLog(row));
                    }
                }
                return calls;
            }
        });
    }

    private static CallLog callLog(ResultSet row) throws SQLException {
        int duration = row.getInt("duration_seconds");
        Optional<Integer> durationSeconds = row.wasNull() ? Optional.empty() : Optional.of(duration);
        return new CallLog(row.getString("id"), row.getString("business_id"), row.getString("call_sid"),
                Optional.ofNullable(row.getString("lead_id")), row.getString("direction"),
                Optional.ofNullable(row.getString("from_number")), Optional.ofNullable(row.getString("to_number")),
                Optional.ofNullable(row.getString("stream_sid")), Database.instant(row, "started_at"),
                Optional.ofNullable(Database.instant(row, "ended_at")), durationSeconds,
                Optional.ofNullable(row.getString("outcome")), Optional.ofNullable(row.getString("transcript")),
                Database.instant(row, "created_at"), Database.instant(row, "updated_at"));
    }
}
