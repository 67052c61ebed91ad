package dev.switchboard.ports.out;

import java.util.List;
import java.util.Objects;

/** One page of a business's leads, newest first, and how many match in all. */
public record LeadPage(List<Lead> leads, long total, int offset, int limit) {
    public LeadPage {
        leads = List.copyOf(Objects.requireNonNull(leads, "leads"));
    }
}
