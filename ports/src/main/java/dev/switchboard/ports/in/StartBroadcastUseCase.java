package dev.switchboard.ports.in;

/** Driving port: start a WhatsApp broadcast ({@code broadcast_job}, with progress). Enqueues only. */
public interface StartBroadcastUseCase {
    BroadcastStarted start(StartBroadcastCommand command);
}
