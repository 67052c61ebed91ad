package dev.switchboard.ports.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Send one WhatsApp message to many recipients of one business, as one bulk run (cancellable by
 * its run id). Without a run id the service assigns one.
 */
public record StartBroadcastCommand(String businessId, String traceId, Optional<String> runId, String message,
                                    List<String> recipients) {
    public static final int MAX_RECIPIENTS = 10_000;

    public StartBroadcastCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        if (dev.switchboard.ports.out.BusinessScope.isReserved(businessId)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        Objects.requireNonNull(runId, "runId");
        recipients = List.copyOf(recipients);
        SendPushCommand.require(message, "message", 4096);
        runId.ifPresent(r -> {
            if (!r.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new InvalidCommandException("run_id must be 1..64 letters, digits, '.', '_' or '-'");
            }
        });
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new InvalidCommandException("recipients must hold 1.." + MAX_RECIPIENTS + " phone numbers");
        }
        for (String phone : recipients) {
            if (phone == null || !phone.matches("\\+?[0-9]{6,15}")) {
                throw new InvalidCommandException("recipients must be phone numbers (digits, optional leading +)");
            }
        }
    }
}
