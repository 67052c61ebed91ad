package dev.switchboard.ports.out;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Gmail mailboxes each business connected, with where their sync stands. Every method but
 * {@link #active} is scoped to one business: another business's connection is not found. Every
 * method may throw {@link StoreUnavailableException}.
 */
public interface GmailConnectionRepository {

    /** How many mailboxes one business may connect. */
    int MAX_PER_BUSINESS = 20;

    /**
     * Connects a mailbox, or connects it again (one connection per business and address, case
     * ignored): the refresh token is replaced, the connection made active, its error cleared and
     * its generation counted up. The history id is kept: it belongs to the mailbox, not the token.
     *
     * @throws LimitReachedException when the address is new and the business has
     *     {@link #MAX_PER_BUSINESS} mailboxes already; the count and the insert are one step, so
     *     concurrent requests cannot go over it
     */
    GmailConnection connect(String businessId, String email, String refreshToken);

    /** The business's connections, oldest first. */
    List<GmailConnection> list(String businessId);

    Optional<GmailConnection> find(String businessId, String connectionId);

    /** Disconnects (forgets the token and the sync state); false when the business has no such connection. */
    boolean delete(String businessId, String connectionId);

    /**
     * Active connections of every business that are not waiting out a wait Google asked for
     * ({@link #waitUntil}), oldest first: what the periodic sync visits.
     */
    List<GmailConnection> active(int limit);

    /**
     * A sync finished: the next one starts after {@code historyId}. History ids only move forward
     * (two syncs finishing out of order leave the larger), and the last error is cleared.
     */
    void synced(String businessId, String connectionId, BigInteger historyId, Instant at);

    /** A sync failed; it will be tried again. */
    void failed(String businessId, String connectionId, String error);

    /**
     * A sync failed and Google asked us to wait ({@code Retry-After}, a daily quota used up): the
     * periodic sync leaves the mailbox out of {@link #active} until {@code notBefore} (a later wait
     * already recorded is kept). A finished sync or a reconnect ends the wait.
     */
    void waitUntil(String businessId, String connectionId, String error, Instant notBefore);

    /**
     * Google refused the refresh token: no more syncs until the business connects again. Ignored
     * when the connection was connected again since {@code generation} was read.
     */
    void reconnectNeeded(String businessId, String connectionId, int generation, String error);
}
