package dev.switchboard.ports.in;

/** The broadcast's job and run; {@code duplicate} when the run had already been started. */
public record BroadcastStarted(String jobId, String runId, boolean duplicate) { }
