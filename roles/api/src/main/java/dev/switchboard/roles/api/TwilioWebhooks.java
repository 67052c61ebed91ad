package dev.switchboard.roles.api;

import dev.switchboard.adapters.http.TwilioWebhookHttpService;
import dev.switchboard.adapters.media.twilio.TwilioCallInstructions;
import dev.switchboard.adapters.media.twilio.TwilioRequestSignatures;
import dev.switchboard.domain.BusinessPhoneNumbers;
import dev.switchboard.domain.ReceiveCallEventService;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.in.ReceiveCallEventUseCase;
import dev.switchboard.roles.common.RoleConfig;

import io.helidon.webserver.http.HttpService;

import java.util.ArrayList;
import java.util.List;
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

    static HttpService httpService(RoleConfig config, TwilioSettings twilio, JobQueue queue, java.time.Clock clock) {
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
        TwilioCallInstructions instructions = new TwilioCallInstructions(twilio.callsPublicUrl().get().toString());
        LOG.info("Twilio webhooks at " + twilio.publicBaseUrl().get() + "/webhook/twilio/{voice,status,recording};"
                + " calls stream to " + instructions.streamUrl() + "; " + twilio.numbers().size() + " number(s)");
        return new TwilioWebhookHttpService(receiveCallEvent(queue, twilio, clock), instructions,
                new TwilioRequestSignatures(config.twilioAuthToken().get()), twilio.publicBaseUrl().get());
    }

    private static ReceiveCallEventUseCase receiveCallEvent(JobQueue queue, TwilioSettings twilio, java.time.Clock clock) {
        return new ReceiveCallEventService(new BusinessPhoneNumbers(twilio.numbers()), queue, clock);
    }
}
