package dev.switchboard.ports.in;

import java.util.Optional;
import java.util.Set;

/** The catalogue of job handlers a worker can run, by job name. */
public interface JobHandlers {

    Optional<JobHandler> handlerFor(String jobName);

    Set<String> jobNames();
}
