package dev.switchboard.ports.out;

import java.util.Optional;

/** The businesses of the CRM. Every method may throw {@link StoreUnavailableException}. */
public interface BusinessRepository {

    Optional<Business> find(String businessId);

    /**
     * The business, created as {@link Business#unconfigured} when it does not exist yet (a gateway
     * or a phone number may name a business before anyone configured it). Safe when two callers
     * do it at once: both get the same row.
     */
    Business findOrCreate(String businessId);

    /** Creates or replaces the business's name, zone, agent prompt and settings. */
    Business save(Business business);

    /**
     * The ids of the businesses with at least one call log started at or after {@code since}, in id
     * order, at most {@code limit}: the businesses whose phone agents are in use.
     */
    java.util.List<String> idsWithCallsSince(java.time.Instant since, int limit);
}
