package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A worker as its registration shows it (python-rq's {@code rq:worker:<name>} hash).
 *
 * @param state          {@code busy}, {@code idle}, or what another rq worker wrote
 * @param currentJob     the job it is running, when busy
 * @param workingSeconds the time it spent running jobs
 */
public record RegisteredWorker(String name, List<String> queues, String state, Optional<String> currentJob,
                               long pid, String hostname, Optional<Instant> birth, Optional<Instant> lastHeartbeat,
                               long succeeded, long failed, double workingSeconds) {
    public RegisteredWorker {
        Objects.requireNonNull(name, "name");
        queues = List.copyOf(queues);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(currentJob, "currentJob");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(birth, "birth");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
    }
}
