package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.Map;

/**
 * {@code noop_job(sleep_ms=0, steps=1, fail=false)} (queue {@code default}): exercises the job
 * system itself, for operators checking a deployment ({@code switchboard jobs enqueue noop_job
 * --kwargs '{"sleep_ms":2000,"steps":4}'}), smoke tests and benchmarks. It waits {@code sleep_ms}
 * in {@code steps} equal parts, reporting progress after each, then returns {@code {"ok": true}},
 * or fails when asked to (to try retries, the failed registry and requeue). No retries of its own,
 * so a failure asked for is seen at once. It touches no store and no outside service.
 */
public final class NoopJob implements JobHandler {

    public static final long MAX_SLEEP_MS = 600_000;
    public static final int MAX_STEPS = 1_000;

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("noop_job", Queues.DEFAULT,
            RetryPolicy.NONE, Duration.ofMillis(MAX_SLEEP_MS).plusMinutes(1), new Codec(), c -> new NoopJob());

    /**
     * @param sleepMs how long the job takes, 0 to {@value #MAX_SLEEP_MS} ms
     * @param steps   progress reports along the way, 1 to {@value #MAX_STEPS}
     * @param fail    fail at the end instead of succeeding
     */
    public record Args(long sleepMs, int steps, boolean fail) {
        public Args {
            if (sleepMs < 0 || sleepMs > MAX_SLEEP_MS) {
                throw new IllegalArgumentException("sleep_ms must be 0 to " + MAX_SLEEP_MS + ", not " + sleepMs);
            }
            if (steps < 1 || steps > MAX_STEPS) {
                throw new IllegalArgumentException("steps must be 1 to " + MAX_STEPS + ", not " + steps);
            }
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Map.of("sleep_ms", a.sleepMs(), "steps", a.steps(), "fail", a.fail());
        }

        @Override
        public Args decode(Kwargs kwargs) {
            long steps = kwargs.optionalLong("steps").orElse(1L);
            if (steps < 1 || steps > MAX_STEPS) {
                throw new IllegalArgumentException("steps must be 1 to " + MAX_STEPS + ", not " + steps);
            }
            return new Args(kwargs.optionalLong("sleep_ms").orElse(0L), (int) steps, kwargs.bool("fail", false));
        }
    }

    @Override
    public Object run(JobExecution job) throws InterruptedException {
        Args args = DEFINITION.argsOf(job);
        for (int step = 1; step <= args.steps(); step++) {
            if (args.sleepMs() > 0) {
                Thread.sleep(args.sleepMs() / args.steps());
            }
            if (args.steps() > 1) {
                job.progress().report(step * 100 / args.steps(), "step " + step + " of " + args.steps());
            }
        }
        if (args.fail()) {
            throw new IllegalStateException("noop_job asked to fail");
        }
        return Map.of("ok", true);
    }
}
