package dev.switchboard.ports.out;

import java.util.List;

/** One page of a job listing. {@code total} counts every job in that state and queue. */
public record JobPage(List<JobView> jobs, long total, int offset, int limit) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
