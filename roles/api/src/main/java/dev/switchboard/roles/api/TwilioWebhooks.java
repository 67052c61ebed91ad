package dev.switchboard.roles.api;

import dev.switchboard.adapters.http.BearerTokens;
import dev.switchboard.adapters.http.EnqueueQuota;
import dev.switchboard.adapters.http.OutboundCallsHttpService;
import dev.switchboard.adapters.http.TwilioWebhookHttpService;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.media.twilio.TwilioCallInstructions;
import dev.switchboard.adapters.media.twilio.TwilioRequestSignatures;
import dev.switchboard.domain.BusinessPhoneNumbers;
import dev.switchboard.domain.PlaceOutboundCallService;
import dev.switchboard.domain.SettleOutboundCallService;
import dev.switchboard.ports.in.SettleOutboundCallUseCase;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.domain.ReceiveCallEventService;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;
import dev.switchboard.roles.common.RoleConfig;

import io.helidon.webserver.http.HttpService;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The api role's Twilio wiring: signatures and TwiML from the Twilio adapter, the call-event use
 * case over the job queue, the HTTP routes. Without {@code TWILIO_AUTH_TOKEN} or
 * {@code PUBLIC_BASE_URL} no signature can be checked, so the routes refuse everything.
 */
final class TwilioWebhooks {
    private static final Logger LOG = Logger.getLogger(TwilioWebhooks.class.getName());

    private TwilioWebhooks() {
    }

    static HttpService httpService(RoleConfig config, TwilioSettings twilio, JobQueue queue,
                                   Optional<PostgresStore> store, java.time.Clock clock) {
        List<String> missing = new ArrayList<>();
        if (config.twilioAuthToken().isEmpty()) {
            missing.add("TWILIO_AUTH_TOKEN");
        }
        if (twilio.publicBaseUrl().isEmpty()) {
            missing.add("PUBLIC_BASE_URL");
        }
        if (!missing.isEmpty()) {
            return TwilioWebhookHttpService.refusingEverything(String.join(" and ", missing) + " not set");
        }
        if (twilio.numbers().isEmpty()) {
            LOG.warning("TWILIO_NUMBERS is not set: every Twilio call is rejected");
        }
        if (twilio.callsPublicUrl().isEmpty()) {
            // Refuse to start rather than answer every call with a stream URL nothing serves.
            throw new dev.switchboard.roles.common.ConfigException("CALLS_PUBLIC_URL is required when Twilio is configured"
                    + " (TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL): the calls role's public base, e.g. wss://calls.example.com");
        }
        TwilioCallInstructions instructions = new TwilioCallInstructions(twilio.callsPublicUrl().get().toString(),
                twilio.recordCalls() ? java.util.Optional.of(twilio.publicBaseUrl().get().toString())
                        : java.util.Optional.empty());
        LOG.info("Twilio webhooks at " + twilio.publicBaseUrl().get() + "/webhook/twilio/{voice,status,recording};"
                + " calls stream to " + instructions.streamUrl() + "; " + twilio.numbers().size() + " number(s); "
                + (instructions.records() ? "inbound calls are recorded" : "calls are not recorded (CALL_RECORDING=off)"));
        // Outbound calls' status callbacks (?outbound=<request_id>) settle their requests in the CRM store.
        Optional<SettleOutboundCallUseCase> settle = store.map(s -> new SettleOutboundCallService(s.outboundCalls(),
                new BusinessPhoneNumbers(twilio.numbers())));
        return new TwilioWebhookHttpService(receiveCallEvent(queue, twilio, clock), instructions,
                new TwilioRequestSignatures(config.twilioAuthToken().get()), twilio.publicBaseUrl().get(), settle);
    }

    /**
     * {@code POST /api/calls} and {@code GET /api/calls/outbound/{id}}: the request is stored with
     * what Twilio will be sent (the business's number, TwiML that connects the answered call to the
     * calls role's stream like an inbound call, the status callback of this api) and its job queued.
     * Without the CRM store or the two public URLs the routes answer 503 saying which is missing.
     */
    static HttpService outboundCalls(TwilioSettings twilio, Optional<PostgresStore> store, JobQueue queue,
                                     BearerTokens tokens, JobInspection inspection, EnqueueQuota quota) {
        List<String> missing = new ArrayList<>();
        if (store.isEmpty()) {
            missing.add("DATABASE_URL");
        }
        if (twilio.publicBaseUrl().isEmpty()) {
            missing.add("PUBLIC_BASE_URL");
        }
        if (twilio.callsPublicUrl().isEmpty()) {
            missing.add("CALLS_PUBLIC_URL");
        }
        if (!missing.isEmpty()) {
            return OutboundCallsHttpService.unconfigured(tokens, "set " + String.join(" and ", missing));
        }
        PostgresStore s = store.get();
        PlaceOutboundCallService service = new PlaceOutboundCallService(s.outboundCalls(), s.leads(),
                new BusinessPhoneNumbers(twilio.numbers()),
                new TwilioCallInstructions(twilio.callsPublicUrl().get().toString()),
                twilio.publicBaseUrl().get() + "/webhook/twilio/status", queue);
        return new OutboundCallsHttpService(tokens, service, s.outboundCalls(), inspection, quota);
    }

    private static ReceiveCallEventUseCase receiveCallEvent(JobQueue queue, TwilioSettings twilio, java.time.Clock clock) {
        return new ReceiveCallEventService(new BusinessPhoneNumbers(twilio.numbers()), queue, clock);
    }
}
