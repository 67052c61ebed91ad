package dev.switchboard.roles.worker;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Jobs that exercise the job system itself, for benchmarks, smoke tests and operators checking a
 * deployment: {@code noop_job}. They live with the worker (not the domain) because they do
 * nothing but take time, which is the worker's business.
 */
final class DiagnosticJobs implements JobHandlers {
    static final String NOOP = "noop_job";
    private static final long MAX_SLEEP_MS = 600_000;

    private final JobHandlers domain;
    private final Map<String, JobHandler> own = new HashMap<>();

    DiagnosticJobs(JobHandlers domain) {
        this.domain = domain;
        own.put(NOOP, DiagnosticJobs::noop);
    }

    /**
     * {@code noop_job(sleep_ms=0, steps=1, fail=false)}: waits {@code sleep_ms} in {@code steps}
     * equal parts, reporting progress after each, then returns {@code {"ok": true}} (or fails).
     */
    private static Object noop(JobExecution job) throws InterruptedException {
        long sleepMs = Math.min(MAX_SLEEP_MS, Math.max(0, number(job.kwargs().get("sleep_ms"), 0)));
        int steps = (int) Math.min(1000, Math.max(1, number(job.kwargs().get("steps"), 1)));
        for (int step = 1; step <= steps; step++) {
            if (sleepMs > 0) {
                Thread.sleep(sleepMs / steps);
            }
            if (steps > 1) {
                job.progress().report(step * 100 / steps, "step " + step + " of " + steps);
            }
        }
        if (Boolean.TRUE.equals(job.kwargs().get("fail"))) {
            throw new IllegalStateException("noop_job asked to fail");
        }
        return Map.of("ok", true);
    }

    private static long number(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }

    @Override
    public Optional<JobHandler> handlerFor(String jobName) {
        return Optional.ofNullable(own.get(jobName)).or(() -> domain.handlerFor(jobName));
    }

    @Override
    public Set<String> jobNames() {
        Set<String> names = new java.util.TreeSet<>(domain.jobNames());
        names.addAll(own.keySet());
        return names;
    }
}
