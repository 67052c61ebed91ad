package dev.switchboard.roles.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The queues a command looks at: the architecture's six in priority order, then any other Redis knows. */
final class Queues {
    private Queues() {
    }

    static List<String> known(JobsCommand jobs) {
        Set<String> names = new LinkedHashSet<>(dev.switchboard.domain.Queues.ALL);
        names.addAll(jobs.inspection().knownQueues());
        return List.copyOf(names);
    }

    /** {@code name} when it is a queue; a typo is refused rather than shown as an empty queue. */
    static String existing(JobsCommand jobs, String name) {
        List<String> known = known(jobs);
        if (!known.contains(name)) {
            throw new CliFailure(JobsCli.NOT_DONE, "no queue '" + name + "' (queues: " + String.join(", ", known) + ")");
        }
        return name;
    }
}
