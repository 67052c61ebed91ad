package dev.switchboard.ports.out;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One event for one business's webhook endpoint, signed per Standard Webhooks
 * (docs/webhooks.md).
 *
 * @param url       the endpoint the business registered
 * @param messageId the event's {@code webhook-id}, the same on every retry (receivers deduplicate on it)
 * @param body      the JSON body, sent and signed as exactly these UTF-8 bytes
 * @param secrets   the endpoint's {@code whsec_} secrets, newest first (two while rotating);
 *                  never shown by {@link #toString()}
 */
public record WebhookMessage(URI url, String messageId, String body, List<String> secrets) {
    public static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    public WebhookMessage {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        secrets = List.copyOf(secrets);
        if (!MESSAGE_ID.matcher(messageId).matches()) {
            throw new IllegalArgumentException("messageId must be 1..100 of [A-Za-z0-9_-] (no '.')");
        }
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook message needs at least one secret");
        }
    }

    @Override
    public String toString() {
        return "WebhookMessage[url=" + url + ", messageId=" + messageId + ", body=" + body.length()
                + " chars, secrets=" + secrets.size() + "]";
    }
}
