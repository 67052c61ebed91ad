package dev.switchboard.ports.out;

import java.util.List;

/** The conversations of every lead, one business at a time. Every method may throw {@link StoreUnavailableException}. */
public interface MessageRepository {

    /**
     * Records a message. Idempotent: a message id the business already has changes nothing.
     *
     * @return true if the message was new
     * @throws IllegalArgumentException  when the lead does not exist in the message's business
     * @throws StoreUnavailableException when the store cannot be reached
     */
    boolean append(ChatMessage message);

    /** The lead's latest {@code limit} messages, oldest first (empty for another business's lead). */
    List<ChatMessage> recent(String businessId, String leadId, int limit);
}
