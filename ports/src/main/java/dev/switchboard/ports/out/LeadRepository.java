package dev.switchboard.ports.out;

import java.util.Optional;

/**
 * The leads of every business. Every read and write is scoped to one business: a lead id of
 * another business (or one that is not an id at all) finds nothing. Every method may throw
 * {@link StoreUnavailableException}.
 */
public interface LeadRepository {

    /**
     * The one lead of this contact, created when there is none. Matched by phone when the contact
     * has one, else by lid; a lead known only by its lid adopts the phone once a message reveals
     * it (so the person keeps one lead). Missing fields (jid, lid, name) are filled in, never
     * overwritten. Safe under concurrency: two callers upserting the same contact at once get the
     * same lead and exactly one of them sees {@code created}. A business the store does not know
     * yet is created unconfigured ({@link Business#unconfigured}), as
     * {@link BusinessRepository#findOrCreate} would.
     *
     * @throws StoreUnavailableException when the store cannot be reached
     */
    LeadUpsert upsert(LeadContact contact);

    /** The lead, if it exists and belongs to this business. */
    Optional<Lead> find(String businessId, String leadId);

    /** The business's lead with this E.164 phone number, if there is one (exact match). */
    Optional<Lead> findByPhone(String businessId, String phone);

    /**
     * A page of the business's leads, newest first.
     *
     * @param phoneSearch digits that the phone number must contain, if given
     */
    LeadPage list(String businessId, Optional<String> phoneSearch, int offset, int limit);

    /** Stores the latest conversation summary of the lead (no-op when it is not this business's). */
    void saveSummary(String businessId, String leadId, String summary);

    /** The business's lead with this e-mail address (case ignored), if there is one. */
    Optional<Lead> findByEmail(String businessId, String email);

    /**
     * Sets the lead's e-mail address, or clears it with empty.
     *
     * @return the updated lead; empty when the business has no such lead
     * @throws LeadConflictException another lead of the business already has this address
     */
    Optional<Lead> setEmail(String businessId, String leadId, Optional<String> email);
}
