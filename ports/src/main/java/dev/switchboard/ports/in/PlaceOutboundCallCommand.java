package dev.switchboard.ports.in;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.Lead;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Call {@code toNumber} from the business's Twilio number and connect the answered call to the
 * voice agent. {@code toNumber} is E.164 ({@code +}, country code, 6..15 digits in all). Without a
 * request id the service assigns one; with one, a retry of the same request is answered with the
 * first one's job, and the call is placed at most once.
 */
public record PlaceOutboundCallCommand(String businessId, String traceId, String toNumber, Optional<String> leadId,
                                       Optional<String> requestId) {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public PlaceOutboundCallCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(leadId, "leadId");
        Objects.requireNonNull(requestId, "requestId");
        if (BusinessScope.isReserved(businessId)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        if (toNumber == null || !E164.matcher(toNumber).matches()) {
            throw new InvalidCommandException("to must be a phone number in E.164 form: '+', the country code, then"
                    + " the number (6..15 digits in all, e.g. +5511999990000)");
        }
        requestId.ifPresent(r -> {
            if (!REQUEST_ID.matcher(r).matches()) {
                throw new InvalidCommandException("request_id must be 1..64 letters, digits, '.', '_' or '-'");
            }
        });
        leadId.ifPresent(l -> {
            if (!Lead.isCanonicalId(l)) {
                throw new InvalidCommandException("lead_id must be a lead's id (as GET /api/leads shows it)");
            }
        });
        // Ids are shown lower case; a retry that spells one in capitals is the same request.
        leadId = leadId.map(l -> l.toLowerCase(java.util.Locale.ROOT));
    }
}
