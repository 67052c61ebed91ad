package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.CallEvent;
import dev.switchboard.ports.in.CallParties;
import io.helidon.http.Status;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads Twilio's form fields (docs/twilio.md, "Voice and status callbacks" and "Recording callbacks") into call events. Runs after
 * the signature check: a field missing from a genuine Twilio request is a 400 that names it.
 */
final class TwilioPayloads {
    private static final Pattern STATUS = Pattern.compile("[a-z][a-z-]{0,31}");
    private static final Pattern WHOLE = Pattern.compile("[0-9]{1,12}");
    private static final int MAX_TEXT = 256;

    private TwilioPayloads() {
    }

    /** The voice webhook: CallSid, From and To are required. */
    static CallEvent.CallStarted callStarted(Map<String, String> form) {
        String callSid = sid(form, "CallSid");
        CallParties parties = new CallParties(Optional.of(required(form, "From")), Optional.of(required(form, "To")),
                optional(form, "Direction"));
        return new CallEvent.CallStarted(callSid, parties, optionalStatus(form, "CallStatus"));
    }

    /** The call status callback: CallSid and CallStatus are required. */
    static CallEvent.CallStatusChanged callStatusChanged(Map<String, String> form) {
        String callSid = sid(form, "CallSid");
        String status = status(form, "CallStatus");
        CallParties parties = new CallParties(optional(form, "From"), optional(form, "To"), optional(form, "Direction"));
        return new CallEvent.CallStatusChanged(callSid, parties, status, whole(form, "CallDuration"),
                whole(form, "SequenceNumber"), optional(form, "Timestamp"));
    }

    /**
     * The recording status callback: CallSid, RecordingSid and RecordingStatus are required, and
     * RecordingUrl (https) once the recording is completed.
     */
    static CallEvent.RecordingStatusChanged recordingStatusChanged(Map<String, String> form) {
        String callSid = sid(form, "CallSid");
        String recordingSid = sid(form, "RecordingSid");
        if (!recordingSid.startsWith("RE") || recordingSid.length() < 3) {
            // Twilio's recording sids are RE…; anything else would queue a recording_job that can only fail.
            throw bad("RecordingSid must be a recording's sid (RE followed by letters and digits)");
        }
        String status = status(form, "RecordingStatus");
        Optional<String> url = optional(form, "RecordingUrl");
        if (status.equals("completed") && url.isEmpty()) {
            throw bad("RecordingUrl is required when RecordingStatus is completed");
        }
        url.ifPresent(TwilioPayloads::requireHttps);
        return new CallEvent.RecordingStatusChanged(callSid, recordingSid, status, url,
                whole(form, "RecordingDuration"), whole(form, "RecordingChannels"), optional(form, "RecordingSource"));
    }

    private static String sid(Map<String, String> form, String name) {
        String value = required(form, name);
        if (!CallEvent.SID.matcher(value).matches()) {
            throw bad(name + " must be 2..64 letters and digits");
        }
        return value;
    }

    private static String status(Map<String, String> form, String name) {
        return optionalStatus(form, name).orElseThrow(() -> bad(name + " is required"));
    }

    private static Optional<String> optionalStatus(Map<String, String> form, String name) {
        Optional<String> value = optional(form, name);
        if (value.isPresent() && !STATUS.matcher(value.get()).matches()) {
            throw bad(name + " must be a lower-case status like 'completed'");
        }
        return value;
    }

    private static Optional<Long> whole(Map<String, String> form, String name) {
        Optional<String> value = optional(form, name);
        if (value.isPresent() && !WHOLE.matcher(value.get()).matches()) {
            throw bad(name + " must be a whole number");
        }
        return value.map(Long::parseLong);
    }

    private static String required(Map<String, String> form, String name) {
        return optional(form, name).orElseThrow(() -> bad(name + " is required"));
    }

    /** A field that is absent or empty counts as absent. */
    private static Optional<String> optional(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_TEXT) {
            throw bad(name + " is longer than " + MAX_TEXT + " characters");
        }
        return Optional.of(value);
    }

    private static void requireHttps(String url) {
        try {
            URI uri = new URI(url);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw bad("RecordingUrl must be an absolute https URL");
    }

    private static HttpProblem bad(String reason) {
        return new HttpProblem(Status.BAD_REQUEST_400, reason);
    }
}
