package dev.switchboard.adapters.media.twilio;

import com.twilio.security.RequestValidator;
import dev.switchboard.ports.out.CallWebhookSignatures;

import java.util.Map;
import java.util.Objects;

/**
 * {@link CallWebhookSignatures} with the Twilio SDK's {@link RequestValidator}: HMAC-SHA1 of the URL
 * and the sorted form parameters, keyed by the account's auth token, compared in constant time;
 * it also accepts the URL with the default port added or removed, as Twilio itself is inconsistent
 * about it (docs/twilio.md, "X-Twilio-Signature").
 *
 * <p>The SDK takes a {@code Map}, so a form that repeats a parameter name cannot be validated; the
 * HTTP adapter refuses such bodies before they get here.
 */
public final class TwilioRequestSignatures implements CallWebhookSignatures {
    private final RequestValidator validator;

    /** @param authToken the account's auth token ({@code TWILIO_AUTH_TOKEN}) */
    public TwilioRequestSignatures(String authToken) {
        Objects.requireNonNull(authToken, "authToken");
        if (authToken.isBlank()) {
            throw new IllegalArgumentException("the Twilio auth token must not be blank");
        }
        this.validator = new RequestValidator(authToken);
    }

    @Override
    public boolean isValid(String url, Map<String, String> params, String signature) {
        if (url == null || params == null || signature == null || signature.isEmpty()) {
            return false;
        }
        return validator.validate(url, params, signature);
    }

    @Override
    public String toString() {
        return "TwilioRequestSignatures[token redacted]";
    }
}
