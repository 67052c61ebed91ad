package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.WhatsAppSession;
import dev.switchboard.ports.out.WhatsAppSessionRepository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whatsapp_sessions table. The partial unique index on open sessions ({@code summarized_at IS
 * NULL}) is the conflict target of one {@code INSERT ... ON CONFLICT DO UPDATE}: it opens the
 * session or moves its last activity with {@code GREATEST}, in one atomic statement, so neither
 * a race nor a late message can open a second session or move the activity backwards.
 */
final class PostgresWhatsAppSessionRepository implements WhatsAppSessionRepository {
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final Database database;
    private final Clock clock;

    PostgresWhatsAppSessionRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException when the lead does not exist in this business
     */
    @Override
    public WhatsAppSession touch(String businessId, String leadId, Instant at) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(at, "at");
        if (!PostgresLeadRepository.isUuid(leadId)) {
            throw new IllegalArgumentException("no lead " + leadId + " in business " + businessId);
        }
        // A session opens at its first activity, or now if that is earlier (a message stamped in the future).
        Instant openedAt = at.isBefore(clock.instant()) ? at : clock.instant();
        return database.run("touch WhatsApp session", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO whatsapp_sessions AS s (business_id, lead_id, opened_at, last_activity_at)"
                            + " VALUES (?, ?::uuid, ?, ?)"
                            + " ON CONFLICT (business_id, lead_id) WHERE summarized_at IS NULL"
                            + " DO UPDATE SET last_activity_at = GREATEST(s.last_activity_at, EXCLUDED.last_activity_at)"
                            + " RETURNING id::text AS id, business_id, lead_id::text AS lead_id, opened_at,"
                            + " last_activity_at, summarized_at")) {
                upsert.setString(1, businessId);
                upsert.setString(2, leadId);
                Database.setInstant(upsert, 3, openedAt);
                Database.setInstant(upsert, 4, at);
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return session(row);
                }
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("no lead " + leadId + " in business " + businessId, e);
                }
                throw e;
            }
        });
    }

    /** Served by the partial index on open sessions' last activity. */
    @Override
    public List<WhatsAppSession> idle(Instant idleSince, int limit) {
        Objects.requireNonNull(idleSince, "idleSince");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return database.run("find idle WhatsApp sessions", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id::text AS id, business_id, lead_id::text AS lead_id, opened_at, last_activity_at,"
                            + " summarized_at FROM whatsapp_sessions"
                            + " WHERE summarized_at IS NULL AND last_activity_at < ?"
                            + " ORDER BY last_activity_at, id LIMIT ?")) {
                Database.setInstant(select, 1, idleSince);
                select.setInt(2, limit);
                List<WhatsAppSession> sessions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sessions.add(session(rows));
                    }
                }
                return sessions;
            }
        });
    }

    /**
     * One transaction: the conditional close (still open, activity unchanged) and, only if it
     * closed the session, the lead's summary. Two runs racing on one session: the row lock of the
     * first UPDATE makes the second see it closed, so the summary is written once.
     */
    @Override
    public boolean closeWithSummary(WhatsAppSession session, String summary, Instant at) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(at, "at");
        if (!PostgresLeadRepository.isUuid(session.id()) || !PostgresLeadRepository.isUuid(session.leadId())) {
            return false;
        }
        return database.transaction("close WhatsApp session", connection -> {
            try (PreparedStatement close = connection.prepareStatement(
                    "UPDATE whatsapp_sessions SET summarized_at = ?, summary = ?"
                            + " WHERE id = ?::uuid AND business_id = ? AND summarized_at IS NULL AND last_activity_at = ?")) {
                Database.setInstant(close, 1, at);
                close.setString(2, summary);
                close.setString(3, session.id());
                close.setString(4, session.businessId());
                Database.setInstant(close, 5, session.lastActivityAt());
                if (close.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement lead = connection.prepareStatement(
                    "UPDATE leads SET summary = ?, updated_at = ? WHERE business_id = ? AND id = ?::uuid")) {
                lead.setString(1, summary);
                Database.setInstant(lead, 2, at);
                lead.setString(3, session.businessId());
                lead.setString(4, session.leadId());
                lead.executeUpdate();
            }
            return true;
        });
    }

    private static WhatsAppSession session(ResultSet row) throws SQLException {
        return new WhatsAppSession(row.getString("id"), row.getString("business_id"),
                row.getString("lead_id"), Database.instant(row, "opened_at"),
                Database.instant(row, "last_activity_at"),
                Optional.ofNullable(Database.instant(row, "summarized_at")));
    }
}
