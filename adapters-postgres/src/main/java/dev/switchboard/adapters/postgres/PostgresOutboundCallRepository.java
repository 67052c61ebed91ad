package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.NewOutboundCall;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;
import dev.switchboard.ports.out.OutboundCallState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The outbound_calls table. Every move of a request's state is one {@code UPDATE ... WHERE state =
 * <from>}: PostgreSQL re-checks the condition after waiting for a concurrent writer's lock, so of
 * two runs of the same job exactly one moves a request to {@code placing}, and a late settle of a
 * request someone else settled changes nothing. Every statement names the business.
 */
final class PostgresOutboundCallRepository implements OutboundCallRepository {
    private static final String COLUMNS = "business_id, request_id, to_number, from_number, lead_id::text AS lead_id,"
            + " twiml, status_callback, state, call_sid, error, job_id, created_at, placing_at, settled_at";
    private static final int MAX_ERROR = 1000;

    private final Database database;
    private final Clock clock;

    PostgresOutboundCallRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Creation create(NewOutboundCall call, Function<OutboundCall, String> enqueue) {
        return database.transaction("create outbound call", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, call.businessId());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO outbound_calls (business_id, request_id, to_number, from_number, lead_id, twiml,"
                            + " status_callback, created_at) VALUES (?, ?, ?, ?, ?::uuid, ?, ?, ?)"
                            + " ON CONFLICT (business_id, request_id) DO NOTHING")) {
                insert.setString(1, call.businessId());
                insert.setString(2, call.requestId());
                insert.setString(3, call.toNumber());
                insert.setString(4, call.fromNumber());
                insert.setString(5, call.leadId().orElse(null));
                insert.setString(6, call.twiml());
                insert.setString(7, call.statusCallback());
                Database.setInstant(insert, 8, clock.instant());
                if (insert.executeUpdate() == 0) {
                    // Another request made it (and committed: the insert waited for it).
                    return new Creation(find(connection, call.businessId(), call.requestId()).orElseThrow(), false);
                }
            }
            OutboundCall stored = find(connection, call.businessId(), call.requestId()).orElseThrow();
            String jobId = enqueue.apply(stored);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbound_calls SET job_id = ? WHERE business_id = ? AND request_id = ?")) {
                update.setString(1, jobId);
                update.setString(2, call.businessId());
                update.setString(3, call.requestId());
                update.executeUpdate();
            }
            return new Creation(find(connection, call.businessId(), call.requestId()).orElseThrow(), true);
        });
    }

    @Override
    public Optional<OutboundCall> find(String businessId, String requestId) {
        return database.run("find outbound call", connection -> find(connection, businessId, requestId));
    }

    private static Optional<OutboundCall> find(Connection connection, String businessId, String requestId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM outbound_calls WHERE business_id = ? AND request_id = ?")) {
            query.setString(1, businessId);
            query.setString(2, requestId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(call(row)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<OutboundCall> beginPlacing(String businessId, String requestId) {
        return database.run("begin placing outbound call", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbound_calls SET state = 'placing', placing_at = ?, error = NULL"
                            + " WHERE business_id = ? AND request_id = ? AND state = 'requested' RETURNING " + COLUMNS)) {
                Database.setInstant(update, 1, clock.instant());
                update.setString(2, businessId);
                update.setString(3, requestId);
                try (ResultSet row = update.executeQuery()) {
                    return row.next() ? Optional.of(call(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean backToRequested(String businessId, String requestId, String reason) {
        return database.run("return outbound call to requested", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbound_calls SET state = 'requested', placing_at = NULL, error = ?"
                            + " WHERE business_id = ? AND request_id = ? AND state = 'placing'")) {
                update.setString(1, truncated(reason));
                update.setString(2, businessId);
                update.setString(3, requestId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean placed(String businessId, String requestId, String callSid) {
        return database.run("mark outbound call placed", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbound_calls SET state = 'placed', call_sid = ?, error = NULL, settled_at = ?"
                            + " WHERE business_id = ? AND request_id = ? AND state IN ('placing', 'unknown')")) {
                update.setString(1, callSid);
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, businessId);
                update.setString(4, requestId);
                return update.executeUpdate() == 1;
            } catch (java.sql.SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    // The call sid is already another request's (UNIQUE (business_id, call_sid)): not
                    // this request's call, so it is not placed by it; never a 500 to Twilio's callback.
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean settle(String businessId, String requestId, OutboundCallState state, String reason) {
        if (state != OutboundCallState.FAILED && state != OutboundCallState.UNKNOWN) {
            throw new IllegalArgumentException("settle moves to failed or unknown, not " + state.id());
        }
        return database.run("settle outbound call", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbound_calls SET state = ?, error = ?, settled_at = ?"
                            + " WHERE business_id = ? AND request_id = ? AND state = 'placing'")) {
                update.setString(1, state.id());
                update.setString(2, truncated(reason));
                Database.setInstant(update, 3, clock.instant());
                update.setString(4, businessId);
                update.setString(5, requestId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Set<String> placedCallSids(String businessId, String fromNumber, String toNumber) {
        return database.run("list outbound call sids", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT call_sid FROM outbound_calls WHERE business_id = ? AND from_number = ? AND to_number = ?"
                            + " AND call_sid IS NOT NULL")) {
                query.setString(1, businessId);
                query.setString(2, fromNumber);
                query.setString(3, toNumber);
                Set<String> sids = new HashSet<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        sids.add(row.getString(1));
                    }
                }
                return sids;
            }
        });
    }

    @Override
    public boolean othersInDoubt(String businessId, String fromNumber, String toNumber, String requestId) {
        return database.run("find outbound calls in doubt", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT EXISTS (SELECT 1 FROM outbound_calls WHERE business_id = ? AND from_number = ?"
                            + " AND to_number = ? AND request_id <> ? AND state IN ('placing', 'unknown'))")) {
                query.setString(1, businessId);
                query.setString(2, fromNumber);
                query.setString(3, toNumber);
                query.setString(4, requestId);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        });
    }

    private static String truncated(String reason) {
        return reason.length() > MAX_ERROR ? reason.substring(0, MAX_ERROR) : reason;
    }

    private static OutboundCall call(ResultSet row) throws SQLException {
        return new OutboundCall(row.getString("business_id"), row.getString("request_id"), row.getString("to_number"),
                row.getString("from_number"), Optional.ofNullable(row.getString("lead_id")), row.getString("twiml"),
                row.getString("status_callback"), OutboundCallState.of(row.getString("state")),
                Optional.ofNullable(row.getString("call_sid")), Optional.ofNullable(row.getString("error")),
                Optional.ofNullable(row.getString("job_id")), Database.instant(row, "created_at"),
                Optional.ofNullable(Database.instant(row, "placing_at")),
                Optional.ofNullable(Database.instant(row, "settled_at")));
    }
}
