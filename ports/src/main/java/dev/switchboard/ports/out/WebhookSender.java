package dev.switchboard.ports.out;

/**
 * Delivers one signed event to one webhook endpoint (Standard Webhooks). One attempt per call:
 * {@link DeliveryOutcome.Gone} means the endpoint answered 410 and must be disabled.
 */
public interface WebhookSender {
    DeliveryOutcome send(WebhookMessage message);
}
