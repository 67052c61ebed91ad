package dev.switchboard.ports.out;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Places calls through our telephony provider (Twilio), finds the calls it made, and hangs calls up. A create is
 * sent at most once per {@link #place} call: the adapter never repeats it by itself, because the
 * provider has no idempotency key and a repeat after a lost answer dials the customer again.
 */
public interface OutboundTelephony {

    /** A call to create. {@code twiml} runs when the call is answered. */
    record Placement(String fromNumber, String toNumber, String twiml, String statusCallback, int ringSeconds) {
        public Placement {
            Objects.requireNonNull(fromNumber, "fromNumber");
            Objects.requireNonNull(toNumber, "toNumber");
            Objects.requireNonNull(twiml, "twiml");
            Objects.requireNonNull(statusCallback, "statusCallback");
        }
    }

    /** A call the provider knows, as its list shows it. */
    record KnownCall(String callSid, String fromNumber, String toNumber, Instant createdAt, String status) {
    }

    /** How a request to the provider went wrong, which decides whether the create may be sent again. */
    enum Failure {
        /** Nothing reached the provider (no connection): the create may be sent again. */
        NOT_SENT,
        /** The provider refused for rate or concurrency (429) and created nothing: send again later. */
        RATE_LIMITED,
        /** The provider refused the request (4xx): no call was created, and sending it again changes nothing. */
        REFUSED,
        /** The answer was a 5xx, late or lost: a call may exist. Never send the create again. */
        UNCERTAIN
    }

    final class TelephonyException extends RuntimeException {
        private final Failure failure;
        private final int status;
        private final Optional<Duration> retryAfter;

        public TelephonyException(Failure failure, int status, String message, Optional<Duration> retryAfter,
                                  Throwable cause) {
            super(message, cause);
            this.failure = Objects.requireNonNull(failure, "failure");
            this.status = status;
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public Failure failure() {
            return failure;
        }

        /** The provider's HTTP status, 0 when there was none. */
        public int status() {
            return status;
        }

        public Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }

    /** Creates the call, once; returns its sid. */
    String place(Placement placement) throws TelephonyException;

    /**
     * The calls from {@code fromNumber} to {@code toNumber} the provider created since
     * {@code since}, newest first (at most a page). Only reads: safe to repeat.
     */
    List<KnownCall> callsSince(String fromNumber, String toNumber, Instant since) throws TelephonyException;

    /** What a hang-up found. */
    enum HangUp {
        /** The call was in progress (or ringing) and is now completed. */
        ENDED,
        /** The call had already ended, or the provider does not know it: nothing is left to end. */
        ALREADY_ENDED
    }

    /**
     * Ends the call ({@code Status=completed}). Idempotent: a call that has already ended is
     * {@link HangUp#ALREADY_ENDED}, not an error. Throws for a 5xx, a timeout, a lost answer or a
     * refusal that says nothing about the call (bad credentials), so the caller may try again.
     */
    HangUp hangUp(String callSid) throws TelephonyException;

    /** The longest one request to the provider takes before it is given up: a create older than this is no longer in flight. */
    Duration requestTimeout();
}
