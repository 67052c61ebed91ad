package dev.switchboard.ports.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of message ids, newest first ({@code messages.list}). */
public record GmailMessagePage(List<String> messageIds, Optional<String> nextPageToken) {
    public GmailMessagePage {
        messageIds = List.copyOf(messageIds);
        Objects.requireNonNull(nextPageToken, "nextPageToken");
    }
}
