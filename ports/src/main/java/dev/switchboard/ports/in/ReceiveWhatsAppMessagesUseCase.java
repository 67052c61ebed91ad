package dev.switchboard.ports.in;

import dev.switchboard.ports.out.JobStoreUnavailableException;

/** Driving port: the WhatsApp gateway delivered messages. Enqueues; never processes inline. */
public interface ReceiveWhatsAppMessagesUseCase {

    /**
     * @throws JobStoreUnavailableException when the queue cannot be reached; messages enqueued
     *     before the failure stay enqueued and a retried delivery is deduplicated
     */
    ReceiveWhatsAppMessagesResult receive(ReceiveWhatsAppMessagesCommand command);
}
