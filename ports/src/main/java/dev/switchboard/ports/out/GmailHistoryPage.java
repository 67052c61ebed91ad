package dev.switchboard.ports.out;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a mailbox's changes since a history id ({@code history.list} with
 * {@code historyTypes=messageAdded}).
 *
 * @param addedMessageIds ids of messages added to the inbox, drafts and sent mail left out, in order,
 *                        without repeats within the page
 * @param historyId       the mailbox's current history id: where the next sync starts once every
 *                        page has been processed
 * @param nextPageToken   the next page, when there is one
 * @param lastRecordId    the largest history record id on this page, if it has records: once this
 *                        page's messages are processed, a later sync may start after it
 */
public record GmailHistoryPage(List<String> addedMessageIds, BigInteger historyId, Optional<String> nextPageToken,
                               Optional<BigInteger> lastRecordId) {
    public GmailHistoryPage {
        addedMessageIds = List.copyOf(addedMessageIds);
        Objects.requireNonNull(historyId, "historyId");
        Objects.requireNonNull(nextPageToken, "nextPageToken");
        Objects.requireNonNull(lastRecordId, "lastRecordId");
    }

    public GmailHistoryPage(List<String> addedMessageIds, BigInteger historyId, Optional<String> nextPageToken) {
        this(addedMessageIds, historyId, nextPageToken, Optional.empty());
    }
}
