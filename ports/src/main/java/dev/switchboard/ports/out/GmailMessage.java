package dev.switchboard.ports.out;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One message's metadata (Gmail's {@code format=metadata}): enough to attach it to a lead's
 * conversation without fetching bodies.
 *
 * @param headers header name (lower case) to its first value: from, to, subject, date, message-id
 * @param receivedAt Gmail's {@code internalDate} (more reliable than the Date header)
 */
public record GmailMessage(String id, String threadId, List<String> labelIds, Map<String, String> headers,
                           Instant receivedAt, BigInteger historyId) {
    public GmailMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(threadId, "threadId");
        labelIds = List.copyOf(labelIds);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(historyId, "historyId");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
