package dev.switchboard.domain;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.SettleOutboundCallUseCase;
import dev.switchboard.ports.out.OutboundCall;
import dev.switchboard.ports.out.OutboundCallRepository;

import java.util.Objects;
import java.util.Optional;

/**
 * Settles an outbound request from Twilio's word that its call exists. Our number (the call's
 * {@code From}, since we placed it) names the business, and the request is looked up in that
 * business only; the callback's numbers must be the request's. Then one conditional update
 * ({@code placing} or {@code unknown} to {@code placed}, {@link OutboundCallRepository#placed}):
 * a {@code failed}, {@code requested} or already {@code placed} request is left as it is, and a sid
 * another request of the business holds is never given to a second one.
 */
public final class SettleOutboundCallService implements SettleOutboundCallUseCase {
    private final OutboundCallRepository calls;
    private final BusinessPhoneNumbers numbers;

    public SettleOutboundCallService(OutboundCallRepository calls, BusinessPhoneNumbers numbers) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.numbers = Objects.requireNonNull(numbers, "numbers");
    }

    @Override
    public Settlement callReported(String requestId, CallEvent.CallStatusChanged event) {
        boolean outbound = event.parties().direction().map(d -> d.equals("outbound-api")).orElse(false);
        if (!outbound) {
            return ignored(Optional.empty(), "not a call we placed (Direction is not outbound-api)");
        }
        Optional<String> owner = numbers.ownerOf(event.parties());
        if (owner.isEmpty()) {
            return ignored(Optional.empty(), "From is not one of our numbers");
        }
        String business = owner.get();
        Optional<OutboundCall> found = calls.find(business, requestId);
        if (found.isEmpty()) {
            return ignored(owner, "no outbound request " + requestId + " of the business");
        }
        OutboundCall call = found.get();
        if (!event.parties().from().map(String::trim).equals(Optional.of(call.fromNumber()))
                || !event.parties().to().map(String::trim).equals(Optional.of(call.toNumber()))) {
            return ignored(owner, "the call's numbers are not the request's");
        }
        String sid = event.callSid();
        switch (call.state()) {
            case PLACED -> {
                return ignored(owner, call.callSid().filter(sid::equals).isPresent() ? "already placed with this call"
                        : "already placed with another call: left as it is");
            }
            case FAILED, REQUESTED -> {
                return ignored(owner, "the request is " + call.state().id() + ": left as it is");
            }
            case PLACING, UNKNOWN -> {
                if (calls.placedCallSids(business, call.fromNumber(), call.toNumber()).contains(sid)) {
                    return ignored(owner, "the call is another request's");
                }
                if (calls.placed(business, requestId, sid)) {
                    return new Settlement(true, owner, "placed (was " + call.state().id() + ")");
                }
                OutboundCall now = calls.find(business, requestId).orElseThrow();
                return ignored(owner, "the request moved to " + now.state().id() + " meanwhile: left as it is");
            }
        }
        throw new IllegalStateException("unreachable: " + call.state());
    }

    private static Settlement ignored(Optional<String> business, String why) {
        return new Settlement(false, business, why);
    }
}
