package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadConflictException;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadPage;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LeadUpsert;

import java.sql.Connection;
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
 * The leads table. One lead per person and business is kept by the unique constraints on
 * {@code (business_id, phone)} and {@code (business_id, lid)}; the upsert inserts with
 * {@code ON CONFLICT DO NOTHING} and, when a rival's insert or update won, looks again. So two
 * callers racing on one contact end with one lead, and only the caller whose insert landed is
 * told it {@code created} it.
 */
final class PostgresLeadRepository implements LeadRepository {

    static final int MAX_PAGE = 500;
    /** Rounds of "look, then insert or adopt" before giving up; each lost round means a rival committed. */
    private static final int MAX_ROUNDS = 8;
    private static final String COLUMNS = "id::text AS id, business_id, phone, whatsapp_jid, lid, name, email, source,"
            + " status, summary, created_at, updated_at";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;
    private final Clock clock;

    PostgresLeadRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public LeadUpsert upsert(LeadContact contact) {
        Objects.requireNonNull(contact, "contact");
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            Optional<LeadUpsert> settled = database.transaction("upsert lead", connection -> attempt(connection, contact));
            if (settled.isPresent()) {
                return settled.get();
            }
        }
        throw new IllegalStateException("lead upsert for business " + contact.businessId() + " lost "
                + MAX_ROUNDS + " rounds in a row to concurrent writers");
    }

    /** One round in one transaction: the lead, or empty when a rival's write got in between (try again). */
    private Optional<LeadUpsert> attempt(Connection connection, LeadContact contact) throws SQLException {
        ensureBusiness(connection, contact.businessId());
        Optional<Lead> byPhone = contact.phone().isPresent()
                ? lockOne(connection, contact.businessId(), "phone", contact.phone().get())
                : Optional.empty();
        Optional<Lead> byLid = contact.lid().isPresent()
                ? lockOne(connection, contact.businessId(), "lid", contact.lid().get())
                : Optional.empty();

        if (byPhone.isPresent()) {
            // The lid joins the phone's lead unless it already names another lead (two leads
            // for one person stay two: merging conversations is not this method's call).
            boolean lidIsFree = byLid.isEmpty();
            return fillMissing(connection, byPhone.get(), contact, lidIsFree, false);
        }
        if (byLid.isPresent()) {
            Lead lead = byLid.get();
            if (contact.phone().isEmpty() || lead.phone().isEmpty() || lead.phone().equals(contact.phone())) {
                // A lead known only by its lid adopts the phone a message now reveals.
                return fillMissing(connection, lead, contact, false, contact.phone().isPresent() && lead.phone().isEmpty());
            }
            // The lid belongs to a lead with another number: this number is a new lead, without the lid.
            return insert(connection, contact, false);
        }
        return insert(connection, contact, true);
    }

    static void ensureBusiness(Connection connection, String businessId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO businesses (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, businessId);
            insert.setString(2, businessId);
            insert.executeUpdate();
        }
    }

    /**
     * Creates the business's row if need be and locks it until the transaction ends: what a
     * per-business limit counts under, so that two requests at once cannot both take the last place.
     * {@code FOR NO KEY UPDATE}: it excludes the other limit checks but not the {@code FOR KEY
     * SHARE} that every insert of a row referencing the business takes (leads, messages, ...).
     */
    static void lockBusiness(Connection connection, String businessId) throws SQLException {
        ensureBusiness(connection, businessId);
        try (PreparedStatement lock = connection.prepareStatement("SELECT 1 FROM businesses WHERE id = ? FOR NO KEY UPDATE")) {
            lock.setString(1, businessId);
            lock.executeQuery().close();
        }
    }

    /** {@code SELECT count(*) FROM <table> WHERE business_id = ?}, for a per-business limit. */
    static long countOfBusiness(Connection connection, String table, String businessId) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE business_id = ?")) {
            count.setString(1, businessId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Optional<Lead> lockOne(Connection connection, String businessId, String column, String value)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM leads WHERE business_id = ? AND " + column + " = ? FOR UPDATE")) {
            query.setString(1, businessId);
            query.setString(2, value);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(lead(row)) : Optional.empty();
            }
        }
    }

    private Optional<LeadUpsert> insert(Connection connection, LeadContact contact, boolean withLid) throws SQLException {
        Instant now = clock.instant();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO leads (business_id, phone, whatsapp_jid, lid, name, source, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING " + COLUMNS)) {
            insert.setString(1, contact.businessId());
            insert.setString(2, contact.phone().orElse(null));
            insert.setString(3, contact.whatsAppJid().orElse(null));
            insert.setString(4, withLid ? contact.lid().orElse(null) : null);
            insert.setString(5, contact.name().orElse(null));
            insert.setString(6, contact.source());
            Database.setInstant(insert, 7, now);
            Database.setInstant(insert, 8, now);
            try (ResultSet row = insert.executeQuery()) {
                // Nothing returned: a rival inserted this phone or lid since we looked.
                return row.next() ? Optional.of(new LeadUpsert(lead(row), true)) : Optional.empty();
            }
        }
    }

    /** Fills what the lead lacks (jid, name, the lid if free, the phone when adopting); never overwrites. */
    private Optional<LeadUpsert> fillMissing(Connection connection, Lead lead, LeadContact contact, boolean lidIsFree,
                                             boolean adoptPhone) throws SQLException {
        String jid = lead.whatsAppJid().isEmpty() ? contact.whatsAppJid().orElse(null) : null;
        String name = lead.name().isEmpty() ? contact.name().orElse(null) : null;
        String lid = lead.lid().isEmpty() && lidIsFree ? contact.lid().orElse(null) : null;
        String phone = adoptPhone ? contact.phone().orElse(null) : null;
        if (jid == null && name == null && lid == null && phone == null) {
            return Optional.of(new LeadUpsert(lead, false));
        }
        // A savepoint, so that losing the phone or lid to a rival's insert (unique violation)
        // leaves this transaction usable to end cleanly, and the next round sees the winner.
        var savepoint = connection.setSavepoint();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE leads SET whatsapp_jid = COALESCE(whatsapp_jid, ?), name = COALESCE(name, ?),"
                        + " lid = COALESCE(lid, ?), phone = COALESCE(phone, ?), updated_at = ?"
                        + " WHERE business_id = ? AND id = ?::uuid RETURNING " + COLUMNS)) {
            update.setString(1, jid);
            update.setString(2, name);
            update.setString(3, lid);
            update.setString(4, phone);
            Database.setInstant(update, 5, clock.instant());
            update.setString(6, lead.businessId());
            update.setString(7, lead.id());
            try (ResultSet row = update.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("locked lead " + lead.id() + " vanished");
                }
                return Optional.of(new LeadUpsert(lead(row), false));
            }
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                connection.rollback(savepoint);
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<Lead> find(String businessId, String leadId) {
        Objects.requireNonNull(businessId, "businessId");
        if (!isUuid(leadId)) {
            return Optional.empty();
        }
        return database.run("find lead", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM leads WHERE business_id = ? AND id = ?::uuid")) {
                query.setString(1, businessId);
                query.setString(2, leadId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(lead(row)) : Optional.empty();
                }
            }
        });
    }

    /** {@code leads_business_phone_key} (business_id, phone) answers it with one index probe. */
    @Override
    public Optional<Lead> findByPhone(String businessId, String phone) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(phone, "phone");
        return database.run("find lead by phone", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM leads WHERE business_id = ? AND phone = ?")) {
                query.setString(1, businessId);
                query.setString(2, phone.strip());
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(lead(row)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Newest first; ties (leads created in the same instant) by id, so pages never overlap. The
     * phone search keeps only the digits it is given; with none, it matches every lead.
     */
    @Override
    public LeadPage list(String businessId, Optional<String> phoneSearch, int offset, int limit) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(phoneSearch, "phoneSearch");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
        }
        String digits = phoneSearch.map(s -> s.replaceAll("[^0-9]", "")).orElse("");
        String filter = digits.isEmpty() ? "" : " AND phone LIKE ?";
        return database.transaction("list leads", connection -> {
            long total;
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT count(*) FROM leads WHERE business_id = ?" + filter)) {
                count.setString(1, businessId);
                if (!digits.isEmpty()) {
                    count.setString(2, "%" + digits + "%");
                }
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<Lead> leads = new ArrayList<>();
            try (PreparedStatement page = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM leads WHERE business_id = ?" + filter
                            + " ORDER BY created_at DESC, id DESC OFFSET ? LIMIT ?")) {
                int i = 1;
                page.setString(i++, businessId);
                if (!digits.isEmpty()) {
                    page.setString(i++, "%" + digits + "%");
                }
                page.setInt(i++, offset);
                page.setInt(i, limit);
                try (ResultSet row = page.executeQuery()) {
                    while (row.next()) {
                        leads.add(lead(row));
                    }
                }
            }
            return new LeadPage(leads, total, offset, limit);
        });
    }

    @Override
    public Optional<Lead> findByEmail(String businessId, String email) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(email, "email");
        return database.run("find lead by email", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM leads WHERE business_id = ? AND lower(email) = lower(?)")) {
                query.setString(1, businessId);
                query.setString(2, email.strip());
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(lead(row)) : Optional.empty();
                }
            }
        });
    }

    /** The unique index on {@code (business_id, lower(email))} decides conflicts, not a look first. */
    @Override
    public Optional<Lead> setEmail(String businessId, String leadId, Optional<String> email) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(email, "email");
        if (!isUuid(leadId)) {
            return Optional.empty();
        }
        return database.run("set lead email", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE leads SET email = ?, updated_at = ? WHERE business_id = ? AND id = ?::uuid RETURNING "
                            + COLUMNS)) {
                update.setString(1, email.map(String::strip).orElse(null));
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, businessId);
                update.setString(4, leadId);
                try (ResultSet row = update.executeQuery()) {
                    return row.next() ? Optional.of(lead(row)) : Optional.empty();
                }
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new LeadConflictException("another lead of this business has the e-mail address "
                            + email.orElse(""));
                }
                throw e;
            }
        });
    }

    @Override
    public void saveSummary(String businessId, String leadId, String summary) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(summary, "summary");
        if (!isUuid(leadId)) {
            return;
        }
        database.run("save lead summary", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE leads SET summary = ?, updated_at = ? WHERE business_id = ? AND id = ?::uuid")) {
                update.setString(1, summary);
                Database.setInstant(update, 2, clock.instant());
                update.setString(3, businessId);
                update.setString(4, leadId);
                return update.executeUpdate();
            }
        });
    }

    /** Whether a lead id can name a lead ({@link Lead#isCanonicalId}): never sent to {@code ::uuid} otherwise. */
    static boolean isUuid(String leadId) {
        return Lead.isCanonicalId(leadId);
    }

    private static Lead lead(ResultSet row) throws SQLException {
        return new Lead(row.getString("id"), row.getString("business_id"),
                Optional.ofNullable(row.getString("phone")), Optional.ofNullable(row.getString("whatsapp_jid")),
                Optional.ofNullable(row.getString("lid")), Optional.ofNullable(row.getString("name")),
                Optional.ofNullable(row.getString("email")), row.getString("source"), row.getString("status"), Optional.ofNullable(row.getString("summary")),
                Database.instant(row, "created_at"), Database.instant(row, "updated_at"));
    }
}
