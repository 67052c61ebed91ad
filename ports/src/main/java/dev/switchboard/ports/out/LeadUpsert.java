package dev.switchboard.ports.out;

import java.util.Objects;

/** The lead a contact belongs to, and whether this upsert created it. */
public record LeadUpsert(Lead lead, boolean created) {
    public LeadUpsert {
        Objects.requireNonNull(lead, "lead");
    }
}
