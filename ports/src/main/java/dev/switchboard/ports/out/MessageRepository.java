package dev.switchboard.ports.out;

import java.util.List;

/** The conversations of every lead, one business at a time. */
public interface MessageRepository {

    /**
     * Records a message. Idempotent: a message id the business already has changes nothing.
     *
     * @return true if the message was new
     */
    boolean append(ChatMessage message);

    /** The lead's latest {@code limit} messages, oldest first (empty for another business's lead). */
    List<ChatMessage> recent(String businessId, String leadId, int limit);
}
