package dev.switchboard.ports.out;

import java.util.List;

/** A lead's conversation history, per business and contact. */
public interface ConversationHistory {

    /**
     * Records a message. Idempotent: recording a message id that is already there changes nothing.
     *
     * @return true if the message was new
     */
    boolean record(ConversationEntry entry);

    /** The history of one contact of one business, oldest first. */
    List<ConversationEntry> history(String businessId, String contact);
}
