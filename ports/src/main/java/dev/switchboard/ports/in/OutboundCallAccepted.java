package dev.switchboard.ports.in;

import dev.switchboard.ports.out.OutboundCall;

import java.util.Objects;

/**
 * An accepted outbound call request: its id, the job that places it, and whether it repeats a
 * request the business had already made with that id.
 */
public record OutboundCallAccepted(String requestId, String jobId, boolean duplicate, OutboundCall call) {
    public OutboundCallAccepted {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(call, "call");
    }
}
