package dev.switchboard.ports.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a broadcast goes to: a list of addresses given by the caller, or the business's leads that
 * match a filter (resolved once, when the run is created, so the run's recipients never change).
 */
public sealed interface BroadcastAudience {

    /**
     * Recipients named by the caller.
     *
     * @param addresses E.164 phone numbers ({@code +5511999990000}); repeats count once
     */
    record Recipients(List<String> addresses) implements BroadcastAudience {
        public Recipients {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * The business's leads matching every given field; empty fields match all. A lead is reached
     * by its phone, or by its WhatsApp privacy id ({@code <digits>@lid}) when it has no phone.
     *
     * @param status the lead's pipeline status ({@code new}, ...)
     * @param source where the lead came from ({@code whatsapp}, {@code call}, ...)
     */
    record LeadFilter(Optional<String> status, Optional<String> source) implements BroadcastAudience {
        public LeadFilter {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(source, "source");
        }
    }
}
