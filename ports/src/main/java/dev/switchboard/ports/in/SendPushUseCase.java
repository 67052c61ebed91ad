package dev.switchboard.ports.in;

import dev.switchboard.ports.out.EnqueueResult;

/** Driving port: queue a push notification ({@code push_send_job}). Enqueues only. */
public interface SendPushUseCase {
    EnqueueResult send(SendPushCommand command);
}
