package dev.switchboard.ports.out;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A Gmail mailbox a business connected (docs/gmail.md).
 *
 * @param email        the mailbox's address, as the business gave it
 * @param refreshToken the OAuth refresh token: a secret, never logged, never shown by an API or
 *                     {@link #toString()}
 * @param generation   counts the connects of this mailbox: a sync marks the mailbox "reconnect
 *                     needed" only if nobody connected it again since the sync read it
 * @param historyId    where the next incremental sync starts; empty until the first full sync
 * @param status       {@link #ACTIVE}, or {@link #RECONNECT_NEEDED} once Google refused the
 *                     refresh token (no more syncs until the business connects again)
 * @param lastError    why the latest sync failed, if it did
 */
public record GmailConnection(String id, String businessId, String email, String refreshToken, int generation,
                              Optional<BigInteger> historyId, String status, Optional<Instant> lastSyncedAt,
                              Optional<String> lastError, Instant createdAt) {
    public static final String ACTIVE = "active";
    public static final String RECONNECT_NEEDED = "reconnect_needed";

    public GmailConnection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(historyId, "historyId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastSyncedAt, "lastSyncedAt");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** What the Gmail client needs to read the mailbox. */
    public GmailAccount account() {
        return new GmailAccount(id, refreshToken);
    }

    @Override
    public String toString() {
        return "GmailConnection[id=" + id + ", businessId=" + businessId + ", email=" + email
                + ", refreshToken=<set>, generation=" + generation + ", historyId=" + historyId.orElse(null)
                + ", status=" + status + "]";
    }
}
