package dev.switchboard.ports.out;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Reading a connected Gmail mailbox for incremental sync (docs/gmail.md). Access tokens are the
 * implementation's business: it refreshes them from the account's refresh token. Every method
 * throws {@link GmailException} when it cannot answer.
 */
public interface GmailMailbox {

    /** The mailbox's address and current history id (taken before a full sync lists messages). */
    Profile profile(GmailAccount account);

    /** Inbox messages of the last {@code days} days, newest first, one page. */
    GmailMessagePage recentInboxMessages(GmailAccount account, int days, Optional<String> pageToken);

    /**
     * Inbox messages added since {@code startHistoryId}, one page.
     *
     * @throws GmailException {@link GmailException.Reason#HISTORY_EXPIRED} when the id is too old
     */
    GmailHistoryPage addedSince(GmailAccount account, BigInteger startHistoryId, Optional<String> pageToken);

    /** One message's metadata, or empty when it was deleted meanwhile. */
    Optional<GmailMessage> message(GmailAccount account, String messageId);

    record Profile(String emailAddress, BigInteger historyId) { }
}
