package dev.switchboard.domain;

import dev.switchboard.ports.out.RetryPolicy;

import java.util.Map;
import java.util.Objects;

/**
 * A job the scheduler enqueues on a schedule, with the arguments and queue of every occurrence.
 *
 * @param name     the job name, e.g. {@code reminders_tick_job}
 * @param queue    the queue its occurrences go to
 * @param kwargs   the keyword arguments of every occurrence (JSON-shaped)
 * @param schedule when it is due
 * @param retry    how a failed occurrence is retried
 */
public record PeriodicJob(String name, String queue, Map<String, Object> kwargs, Schedule schedule,
                          RetryPolicy retry) {
    public PeriodicJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(queue, "queue");
        kwargs = Map.copyOf(kwargs);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(retry, "retry");
        if (name.contains("@")) {
            // '@' separates the name from the start in a slot id.
            throw new IllegalArgumentException("a periodic job name cannot contain '@': " + name);
        }
    }
}
