package dev.switchboard.ports.in;

import java.util.List;

/**
 * What became of a batch: how many jobs were enqueued, how many messages were duplicates of
 * earlier deliveries, and how many were ignored (status broadcasts, channels).
 */
public record ReceiveWhatsAppMessagesResult(int enqueued, int duplicates, int ignored,
                                            List<String> jobIds) {
    public ReceiveWhatsAppMessagesResult {
        jobIds = List.copyOf(jobIds);
    }
}
