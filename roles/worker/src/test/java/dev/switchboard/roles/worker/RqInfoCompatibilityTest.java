package dev.switchboard.roles.worker;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operators' own tool reads Switchboard's state: Debian's python-rq ({@code apt-get install
 * python3-rq}) runs {@code rq info} against a Redis holding Switchboard's jobs and a running
 * (busy) Switchboard worker, and prints the right queues, counts and worker. Note that rq lists
 * only workers of queues in {@code rq:queues}, i.e. queues that ever had a job. Skipped where rq is not
 * installed; CI installs it.
 */
class RqInfoCompatibilityTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void rqInfoShowsSwitchboardQueuesCountsAndWorkers() throws Exception {
        String rq = findOnPath("rq");
        Assumptions.assumeTrue(rq != null, "python-rq's rq CLI is not installed (apt-get install -y python3-rq)");
        Clock clock = Clock.systemUTC();
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, clock);
            for (int i = 0; i < 7; i++) {
                queue.enqueue(JobRequest.of("noop_job", "default", Map.of("i", i), "b", "t"));
            }
            for (int i = 0; i < 3; i++) {
                queue.enqueue(JobRequest.of("noop_job", "low", Map.of("i", i), "b", "t"));
            }
            queue.enqueue(JobRequest.of("hold_job", "high", Map.of(), "b", "t"));
            // A Switchboard worker serving 'high', busy with a job that holds until released.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            JobHandler hold = job -> {
                holding.countDown();
                release.await();
                return null;
            };
            JobHandlers none = new JobHandlers() {
                @Override
                public Optional<JobHandler> handlerFor(String jobName) {
                    return Optional.of(hold);
                }

                @Override
                public Set<String> jobNames() {
                    return Set.of("hold_job");
                }
            };
            JobRunner runner = new JobRunner(new JobRunner.Settings("sb-info-worker", List.of("high"), 1,
                    Duration.ofSeconds(30), 3), new RedisJobClaims(connections, clock),
                    new RedisJobMaintenance(connections, clock), new RedisWorkerRegistry(connections, clock), none);
            runner.start();
            try {
                assertTrue(holding.await(10, TimeUnit.SECONDS), "the worker took the job");
                Thread.sleep(1500); // one registration heartbeat: state busy
                String out = run(rq, "info", "--url", redis.url(), "-S", "rq.serializers.JSONSerializer", "--raw");
                System.out.println("rq info --raw:\n" + out);
                assertTrue(out.contains("queue default 7"), out);
                assertTrue(out.contains("queue low 3"), out);
                assertTrue(out.contains("queue high 0"), out);
                assertTrue(out.lines().anyMatch(l -> l.startsWith("worker sb-info-worker (") && l.endsWith("busy high")),
                        out);
                String pretty = run(rq, "info", "--url", redis.url(), "-S", "rq.serializers.JSONSerializer");
                assertTrue(pretty.contains("10 jobs total"), pretty);
                assertTrue(pretty.contains("1 workers"), pretty);
            } finally {
                release.countDown();
                runner.stop(Duration.ofSeconds(5));
            }
            String after = run(rq, "info", "--url", redis.url(), "-S", "rq.serializers.JSONSerializer", "--raw");
            assertTrue(after.lines().noneMatch(l -> l.startsWith("worker ")), "a stopped worker is gone: " + after);
        }
        assertEquals(7L, redis.commands().llen("rq:queue:default"), "rq info changed no counts");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "rq info did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        return text;
    }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }
}
