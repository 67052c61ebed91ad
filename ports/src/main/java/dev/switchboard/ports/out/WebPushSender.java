package dev.switchboard.ports.out;

/**
 * Sends one notification to one browser through its push service (Web Push: RFC 8030, with the
 * payload encrypted per RFC 8291 and signed with the application server's VAPID key per RFC 8292).
 * One attempt per call; the caller decides what to do with the outcome.
 */
public interface WebPushSender {
    DeliveryOutcome send(PushSubscription subscription, PushNotification notification);
}
