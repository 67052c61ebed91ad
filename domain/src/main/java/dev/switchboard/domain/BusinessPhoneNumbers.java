package dev.switchboard.domain;

import dev.switchboard.ports.in.CallParties;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which business a call belongs to: the table of our phone numbers ({@code TWILIO_NUMBERS}) and the
 * rule for which side of a call is ours.
 *
 * <p>Our side is the called number ({@code To}) of an inbound call, and the caller id
 * ({@code From}) of a call we placed (direction {@code outbound-api} or {@code outbound-dial}):
 * for those Twilio reports the lead's number as {@code To}. A call without a direction counts as
 * inbound.
 */
public final class BusinessPhoneNumbers {
    private final Map<String, String> businessByNumber;
    private final Set<String> businesses;

    /** @param businessByNumber E.164 number to business id, in the order the table lists them */
    public BusinessPhoneNumbers(Map<String, String> businessByNumber) {
        // Kept in the given order: a business's first number is the one its outbound calls come from.
        this.businessByNumber = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(businessByNumber));
        this.businessByNumber.forEach((number, business) -> {
            if (number.isBlank() || business.isBlank()) {
                throw new IllegalArgumentException("phone numbers and business ids must not be blank");
            }
        });
        this.businesses = Set.copyOf(this.businessByNumber.values());
    }

    public static BusinessPhoneNumbers none() {
        return new BusinessPhoneNumbers(Map.of());
    }

    /** Our side of the call, when the event names it. */
    public static Optional<String> ourNumber(CallParties parties) {
        boolean outbound = parties.direction().map(d -> d.startsWith("outbound")).orElse(false);
        return outbound ? parties.from() : parties.to();
    }

    /** The business that owns our side of the call, if the number is one of ours. */
    public Optional<String> ownerOf(CallParties parties) {
        return ourNumber(parties).map(String::trim).map(businessByNumber::get);
    }

    /** The number the business's outbound calls are placed from: its first in the table. */
    public Optional<String> numberOf(String businessId) {
        Objects.requireNonNull(businessId, "businessId");
        return businessByNumber.entrySet().stream().filter(e -> e.getValue().equals(businessId))
                .map(Map.Entry::getKey).findFirst();
    }

    /** True when some number of the table belongs to {@code businessId}. */
    public boolean hasBusiness(String businessId) {
        return businesses.contains(Objects.requireNonNull(businessId, "businessId"));
    }

    public boolean isEmpty() {
        return businessByNumber.isEmpty();
    }

    public Collection<String> businesses() {
        return businesses;
    }
}
