package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.MessageRepository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The messages table. A message id is unique per business (the primary key), so appending is one
 * {@code INSERT ... ON CONFLICT DO NOTHING}: a redelivered webhook or a rerun job records nothing
 * new. The foreign key on {@code (business_id, lead_id)} refuses a message for another business's lead.
 */
final class PostgresMessageRepository implements MessageRepository {

    static final int MAX_RECENT = 1000;
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final Database database;
    private final Clock clock;

    PostgresMessageRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException when the lead does not exist in the message's business
     */
    @Override
    public boolean append(ChatMessage message) {
        Objects.requireNonNull(message, "message");
        if (!PostgresLeadRepository.isUuid(message.leadId())) {
            throw new IllegalArgumentException("no lead " + message.leadId() + " in business " + message.businessId());
        }
        return database.run("append message", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO messages (business_id, message_id, lead_id, direction, channel, kind, text, sent_at,"
                            + " author_name, created_at) VALUES (?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (business_id, message_id) DO NOTHING")) {
                insert.setString(1, message.businessId());
                insert.setString(2, message.messageId());
                insert.setString(3, message.leadId());
                insert.setString(4, message.direction().name().toLowerCase(Locale.ROOT));
                insert.setString(5, message.channel());
                insert.setString(6, message.kind());
                insert.setString(7, message.text().orElse(null));
                Database.setInstant(insert, 8, message.at());
                insert.setString(9, message.authorName().orElse(null));
                Database.setInstant(insert, 10, clock.instant());
                return insert.executeUpdate() == 1;
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("no lead " + message.leadId() + " in business " + message.businessId(), e);
                }
                throw e;
            }
        });
    }

    /** Ordered by the time sent, then by arrival for messages sent in the same instant. */
    @Override
    public List<ChatMessage> recent(String businessId, String leadId, int limit) {
        Objects.requireNonNull(businessId, "businessId");
        if (limit < 1 || limit > MAX_RECENT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_RECENT);
        }
        if (!PostgresLeadRepository.isUuid(leadId)) {
            return List.of();
        }
        return database.run("read recent messages", connection -> {
            List<ChatMessage> newestFirst = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT business_id, lead_id::text AS lead_id, message_id, direction, channel, kind, text, sent_at,"
                            + " author_name FROM messages WHERE business_id = ? AND lead_id = ?::uuid"
                            + " ORDER BY sent_at DESC, seq DESC LIMIT ?")) {
                query.setString(1, businessId);
                query.setString(2, leadId);
                query.setInt(3, limit);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        newestFirst.add(message(row));
                    }
                }
            }
            Collections.reverse(newestFirst);
            return List.copyOf(newestFirst);
        });
    }

    private static ChatMessage message(ResultSet row) throws SQLException {
        return new ChatMessage(row.getString("business_id"), row.getString("lead_id"), row.getString("message_id"),
                ChatMessage.Direction.valueOf(row.getString("direction").toUpperCase(Locale.ROOT)),
                row.getString("channel"), row.getString("kind"), Optional.ofNullable(row.getString("text")),
                Database.instant(row, "sent_at"), Optional.ofNullable(row.getString("author_name")));
    }
}
