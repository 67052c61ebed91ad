package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.StoredRecording;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recordings table: one row per Twilio recording sid (its unique constraint is the conflict
 * target), so a rerun of {@code recording_job} rewrites its own row and a redelivered callback
 * cannot make a second. The upsert only touches a row of the same business, never revives a
 * deleted one (it only fills in a transcript that one lacks), and never downgrades a transcribed
 * one: a later run without speech, or an overlapping attempt, must not blank a transcript.
 */
final class PostgresRecordingRepository implements RecordingRepository {
    private static final String COLUMNS = "business_id, recording_sid, call_sid, url, duration_seconds, transcript,"
            + " status, created_at, deleted_at, failure_reason";

    private final Database database;

    PostgresRecordingRepository(Database database) {
        this.database = database;
    }

    @Override
    public StoredRecording save(StoredRecording r) {
        Objects.requireNonNull(r, "recording");
        return database.transaction("save recording", connection -> {
            PostgresLeadRepository.ensureBusiness(connection, r.businessId());
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO recordings AS r (business_id, recording_sid, call_sid, url, duration_seconds,"
                            + " transcript, status, created_at, updated_at, deleted_at, failure_reason)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)"
                            + " ON CONFLICT (recording_sid) DO UPDATE SET call_sid = EXCLUDED.call_sid,"
                            + " url = EXCLUDED.url, duration_seconds = EXCLUDED.duration_seconds,"
                            + " transcript = EXCLUDED.transcript, failure_reason = EXCLUDED.failure_reason,"
                            // A pending recording saved pending again (a retry) keeps its progress.
                            + " progress_ms = CASE WHEN r.status = 'pending' AND EXCLUDED.status = 'pending'"
                            + " THEN r.progress_ms END,"
                            + " progress_transcript = CASE WHEN r.status = 'pending' AND EXCLUDED.status = 'pending'"
                            + " THEN r.progress_transcript END,"
                            + " status = CASE WHEN r.status = 'deleted' THEN r.status ELSE EXCLUDED.status END,"
                            + " updated_at = now()"
                            + " WHERE r.business_id = EXCLUDED.business_id AND CASE r.status"
                            + " WHEN 'transcribed' THEN EXCLUDED.status = 'transcribed'"
                            + " WHEN 'deleted' THEN r.transcript IS NULL AND EXCLUDED.transcript IS NOT NULL"
                            + " ELSE true END"
                            + " RETURNING " + COLUMNS)) {
                upsert.setString(1, r.businessId());
                upsert.setString(2, r.recordingSid());
                upsert.setString(3, r.callSid());
                upsert.setString(4, r.url());
                if (r.durationSeconds().isPresent()) {
                    upsert.setInt(5, r.durationSeconds().get());
                } else {
                    upsert.setNull(5, Types.INTEGER);
                }
                upsert.setString(6, r.transcript().orElse(null));
                upsert.setString(7, r.status());
                Database.setInstant(upsert, 8, r.recordedAt());
                Database.setInstant(upsert, 9, r.deletedAt().orElse(null));
                upsert.setString(10, r.failureReason().orElse(null));
                try (ResultSet row = upsert.executeQuery()) {
                    if (row.next()) {
                        return recording(row);
                    }
                }
            }
            // No row: the sid is another business's, or a deleted recording of this one.
            return find(connection, r.businessId(), r.recordingSid()).orElseThrow(() -> new IllegalArgumentException(
                    "recording " + r.recordingSid() + " belongs to another business"));
        });
    }

    @Override
    public Optional<StoredRecording> find(String businessId, String recordingSid) {
        return database.run("find recording", connection -> find(connection, businessId, recordingSid));
    }

    @Override
    public boolean saveProgress(String businessId, String recordingSid, TranscriptionProgress progress) {
        Objects.requireNonNull(progress, "progress");
        return database.run("save transcription progress", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE recordings SET progress_ms = ?,"
                    + " progress_transcript = ?, updated_at = now() WHERE business_id = ? AND recording_sid = ?"
                    + " AND status = 'pending' AND coalesce(progress_ms, -1) < ?")) {
                update.setLong(1, progress.transcribedUpTo().toMillis());
                update.setString(2, progress.transcript());
                update.setString(3, businessId);
                update.setString(4, recordingSid);
                update.setLong(5, progress.transcribedUpTo().toMillis());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<TranscriptionProgress> progress(String businessId, String recordingSid) {
        return database.run("find transcription progress", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT progress_ms, progress_transcript"
                    + " FROM recordings WHERE business_id = ? AND recording_sid = ? AND status = 'pending'"
                    + " AND progress_ms IS NOT NULL")) {
                query.setString(1, businessId);
                query.setString(2, recordingSid);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(new TranscriptionProgress(
                            Duration.ofMillis(row.getLong(1)), row.getString(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean heldByAnotherBusiness(String businessId, String recordingSid) {
        return database.run("check recording owner", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM recordings WHERE recording_sid = ? AND business_id <> ?")) {
                query.setString(1, recordingSid);
                query.setString(2, businessId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    private static Optional<StoredRecording> find(Connection connection, String businessId, String recordingSid)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM recordings WHERE business_id = ? AND recording_sid = ?")) {
            query.setString(1, businessId);
            query.setString(2, recordingSid);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(recording(row)) : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredRecording> forCall(String businessId, String callSid) {
        return database.run("find a call's recordings", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM recordings"
                    + " WHERE business_id = ? AND call_sid = ? ORDER BY created_at, recording_sid")) {
                query.setString(1, businessId);
                query.setString(2, callSid);
                return list(query);
            }
        });
    }

    /** Served by the partial index {@code recordings_created} (not deleted, by age). */
    @Override
    public List<StoredRecording> dueForDeletion(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return database.run("find recordings past retention", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM recordings"
                    + " WHERE status <> 'deleted' AND created_at < ? ORDER BY created_at, recording_sid LIMIT ?")) {
                Database.setInstant(query, 1, cutoff);
                query.setInt(2, limit);
                return list(query);
            }
        });
    }

    @Override
    public boolean markDeleted(String businessId, String recordingSid, Instant at) {
        Objects.requireNonNull(at, "at");
        return database.run("mark recording deleted", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE recordings SET status = 'deleted',"
                    + " deleted_at = ?, progress_ms = NULL, progress_transcript = NULL, updated_at = now() WHERE business_id = ? AND recording_sid = ?"
                    + " AND status <> 'deleted'")) {
                Database.setInstant(update, 1, at);
                update.setString(2, businessId);
                update.setString(3, recordingSid);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static List<StoredRecording> list(PreparedStatement query) throws SQLException {
        List<StoredRecording> found = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                found.add(recording(row));
            }
        }
        return found;
    }

    private static StoredRecording recording(ResultSet row) throws SQLException {
        int duration = row.getInt("duration_seconds");
        Optional<Integer> durationSeconds = row.wasNull() ? Optional.empty() : Optional.of(duration);
        return new StoredRecording(row.getString("business_id"), row.getString("recording_sid"),
                row.getString("call_sid"), row.getString("url"), durationSeconds,
                Optional.ofNullable(row.getString("transcript")), row.getString("status"),
                Database.instant(row, "created_at"), Optional.ofNullable(Database.instant(row, "deleted_at")),
                Optional.ofNullable(row.getString("failure_reason")));
    }
}
