package dev.switchboard.ports.in;

import dev.switchboard.ports.out.BroadcastRun;

/**
 * The broadcast's job and run; {@code duplicate} when the run had already been started (the run
 * is then the earlier one, as it stands).
 */
public record BroadcastStarted(String jobId, String runId, boolean duplicate, BroadcastRun run) { }
