package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.NewReminder;
import dev.switchboard.ports.out.Reminder;
import dev.switchboard.ports.out.ReminderRepository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reminders and reminder_push_log tables. "Once per reminder and offset" is the log's unique
 * key: {@link #pushOnce} inserts the row with {@code ON CONFLICT DO NOTHING} and runs the push in
 * the same transaction, so the row commits only with a successful push, and a concurrent caller's
 * insert waits on the uncommitted row and then does nothing.
 */
final class PostgresReminderRepository implements ReminderRepository {
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String COLUMNS = "id::text AS id, business_id, lead_id::text AS lead_id, user_id, due_at, text,"
            + " created_at";

    private final Database database;
    private final Clock clock;

    PostgresReminderRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Reminder create(NewReminder reminder) {
        if (reminder.leadId().isPresent() && !PostgresLeadRepository.isUuid(reminder.leadId().get())) {
            throw new IllegalArgumentException("no lead " + reminder.leadId().get());
        }
        return database.transaction("create reminder", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, reminder.businessId());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO reminders (business_id, lead_id, user_id, due_at, text, created_at)"
                            + " VALUES (?, ?::uuid, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
                insert.setString(1, reminder.businessId());
                insert.setString(2, reminder.leadId().orElse(null));
                insert.setString(3, reminder.userId());
                Database.setInstant(insert, 4, reminder.dueAt());
                insert.setString(5, reminder.text());
                Database.setInstant(insert, 6, clock.instant());
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return reminder(row);
                }
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("no lead " + reminder.leadId().orElse("") + " in this business", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Reminder> find(String businessId, String reminderId) {
        if (!PostgresLeadRepository.isUuid(reminderId)) {
            return Optional.empty();
        }
        return database.run("find reminder", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM reminders WHERE business_id = ? AND id = ?::uuid")) {
                query.setString(1, businessId);
                query.setString(2, reminderId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(reminder(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Reminder> list(String businessId, Optional<String> userId, Instant from, int limit) {
        return database.run("list reminders", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM reminders WHERE business_id = ? AND due_at >= ?"
                            + (userId.isPresent() ? " AND user_id = ?" : "") + " ORDER BY due_at, id LIMIT ?")) {
                int i = 1;
                query.setString(i++, businessId);
                Database.setInstant(query, i++, from);
                if (userId.isPresent()) {
                    query.setString(i++, userId.get());
                }
                query.setInt(i, limit);
                return reminders(query);
            }
        });
    }

    @Override
    public boolean delete(String businessId, String reminderId) {
        if (!PostgresLeadRepository.isUuid(reminderId)) {
            return false;
        }
        return database.run("delete reminder", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM reminders WHERE business_id = ? AND id = ?::uuid")) {
                delete.setString(1, businessId);
                delete.setString(2, reminderId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Reminder> owedBetween(Instant from, Instant to, Instant now, List<Integer> offsets, int limit) {
        return database.run("list reminders owed a push", connection -> {
            // The owed offset is the smallest whose moment has come; the log's unique index
            // (reminder_id, offset_minutes) answers the NOT EXISTS.
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM reminders r WHERE due_at BETWEEN ? AND ?"
                            + " AND NOT EXISTS (SELECT 1 FROM reminder_push_log l WHERE l.reminder_id = r.id"
                            + " AND l.offset_minutes = (SELECT min(o) FROM unnest(?::integer[]) AS o"
                            + " WHERE r.due_at - make_interval(mins => o) <= ?))"
                            + " ORDER BY due_at, id LIMIT ?")) {
                Database.setInstant(query, 1, from);
                Database.setInstant(query, 2, to);
                query.setArray(3, connection.createArrayOf("integer", offsets.toArray()));
                Database.setInstant(query, 4, now);
                query.setInt(5, limit);
                return reminders(query);
            }
        });
    }

    @Override
    public boolean pushOnce(Reminder reminder, int offsetMinutes, Runnable push) {
        return database.transaction("log reminder push", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO reminder_push_log (business_id, reminder_id, offset_minutes, sent_at)"
                            + " VALUES (?, ?::uuid, ?, ?) ON CONFLICT (reminder_id, offset_minutes) DO NOTHING")) {
                insert.setString(1, reminder.businessId());
                insert.setString(2, reminder.id());
                insert.setInt(3, offsetMinutes);
                Database.setInstant(insert, 4, clock.instant());
                if (insert.executeUpdate() == 0) {
                    return false;
                }
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    return false; // deleted meanwhile: nothing to push
                }
                throw e;
            }
            push.run();
            return true;
        });
    }

    @Override
    public int deleteDueBefore(Instant cutoff) {
        return database.run("delete old reminders", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM reminders WHERE due_at < ?")) {
                Database.setInstant(delete, 1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    private static List<Reminder> reminders(PreparedStatement query) throws SQLException {
        List<Reminder> out = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                out.add(reminder(row));
            }
        }
        return out;
    }

    private static Reminder reminder(ResultSet row) throws SQLException {
        return new Reminder(row.getString("id"), row.getString("business_id"), Optional.ofNullable(row.getString("lead_id")),
                row.getString("user_id"), Database.instant(row, "due_at"), row.getString("text"),
                Database.instant(row, "created_at"));
    }
}
