package dev.switchboard.ports.in;

import java.util.List;
import java.util.Objects;

/**
 * A batch of incoming WhatsApp messages for one business, as the gateway delivered it.
 *
 * @param businessId the business (the gateway's tenant id)
 * @param traceId    the trace id of the HTTP request
 * @param live       false for history/offline sync batches ({@code type: append})
 * @param messages   the messages, 1..500
 */
public record ReceiveWhatsAppMessagesCommand(String businessId, String traceId, boolean live,
                                             List<IncomingWhatsAppMessage> messages) {
    public static final int MAX_MESSAGES = 500;

    public ReceiveWhatsAppMessagesCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        if (dev.switchboard.ports.out.BusinessScope.isReserved(businessId)
                && !businessId.equals(dev.switchboard.ports.out.BusinessScope.BENCH)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        messages = List.copyOf(messages);
        if (businessId.isBlank() || businessId.length() > 128) {
            throw new InvalidCommandException("tenantId must be 1..128 characters");
        }
        Identifiers.requireWellFormed("tenantId", businessId);
        if (messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            throw new InvalidCommandException("messages must hold 1.." + MAX_MESSAGES + " items");
        }
    }
}
