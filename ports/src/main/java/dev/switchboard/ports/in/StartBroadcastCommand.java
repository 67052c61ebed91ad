package dev.switchboard.ports.in;

import dev.switchboard.ports.out.BroadcastAudience;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Send one WhatsApp message to many recipients of one business, as one bulk run (cancellable by
 * its run id). Without a run id the service assigns one. Phone numbers are normalized to E.164
 * ({@code +} and 6..15 digits, no leading 0); a number given twice counts once.
 */
public record StartBroadcastCommand(String businessId, String traceId, Optional<String> runId, String message,
                                    BroadcastAudience audience) {
    public static final int MAX_RECIPIENTS = 10_000;
    public static final int MAX_MESSAGE = 4096;
    private static final Pattern PHONE = Pattern.compile("\\+?[1-9][0-9]{5,14}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern FILTER_VALUE = Pattern.compile("[\\p{L}\\p{N} ._:-]{1,64}");

    public StartBroadcastCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        if (dev.switchboard.ports.out.BusinessScope.isReserved(businessId)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(audience, "audience");
        SendPushCommand.require(message, "message", MAX_MESSAGE);
        runId.ifPresent(r -> {
            if (!RUN_ID.matcher(r).matches()) {
                throw new InvalidCommandException("run_id must be 1..64 letters, digits, '.', '_' or '-'");
            }
        });
        audience = switch (audience) {
            case BroadcastAudience.Recipients r -> new BroadcastAudience.Recipients(phones(r.addresses()));
            case BroadcastAudience.LeadFilter f -> {
                f.status().ifPresent(s -> filterValue(s, "filter.status"));
                f.source().ifPresent(s -> filterValue(s, "filter.source"));
                yield f;
            }
        };
    }

    /** The recipients as E.164 numbers, each once, in the order given. */
    private static List<String> phones(List<String> given) {
        if (given.isEmpty() || given.size() > MAX_RECIPIENTS) {
            throw new InvalidCommandException("recipients must hold 1.." + MAX_RECIPIENTS + " phone numbers");
        }
        Set<String> phones = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String phone = given.get(i);
            if (phone == null || !PHONE.matcher(phone).matches()) {
                throw new InvalidCommandException("recipients[" + i + "] must be a phone number in international"
                        + " form (country code first, 6..15 digits, optional leading +)");
            }
            phones.add(phone.startsWith("+") ? phone : "+" + phone);
        }
        return List.copyOf(phones);
    }

    private static void filterValue(String value, String name) {
        if (!FILTER_VALUE.matcher(value).matches()) {
            throw new InvalidCommandException(name + " must be 1..64 letters, digits, spaces, '.', '_', ':' or '-'");
        }
    }
}
