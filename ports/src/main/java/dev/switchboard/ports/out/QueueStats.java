package dev.switchboard.ports.out;

import java.time.Duration;
import java.util.Optional;

/** Counts of one queue and its registries, and how long its oldest waiting job has waited. */
public record QueueStats(String queue, long queued, long started, long scheduled, long finished,
                         long failed, long canceled, Optional<Duration> oldestQueuedAge) {
}
