package dev.switchboard.roles.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.roles.worker.JobRunner;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code switchboard jobs info} and python-rq's own {@code rq info} ({@code apt-get install
 * python3-rq}, as in RqInfoCompatibilityTest) read the same Redis and report the same queues,
 * counts and workers: one busy and one idle real job runner, jobs on several queues. Skipped where
 * rq is not installed; CI installs it.
 */
class JobsInfoAgreesWithRqInfoTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Pattern QUEUE = Pattern.compile("queue (\\S+) (\\d+)");
    private static final Pattern WORKER = Pattern.compile("worker (\\S+) \\((\\S+) (\\S+) (\\d+)\\) (\\S+) (.*)");

    @Test
    void jobsInfoReportsWhatRqInfoReports() throws Exception {
        String rq = findOnPath("rq");
        Assumptions.assumeTrue(rq != null, "python-rq's rq CLI is not installed (apt-get install -y python3-rq)");
        Clock clock = Clock.systemUTC();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobHandler hold = job -> {
            if (job.name().equals("hold_job")) {
                holding.countDown();
                release.await();
            }
            return null;
        };
        JobHandlers handlers = new JobHandlers() {
            @Override
            public Optional<JobHandler> handlerFor(String jobName) {
                return Optional.of(hold);
            }

            @Override
            public Set<String> jobNames() {
                return Set.of("hold_job");
            }
        };
        try (RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, clock);
            for (int i = 0; i < 5; i++) {
                queue.enqueue(JobRequest.of("noop_job", "default", Map.of("i", i), "b", "t"));
            }
            for (int i = 0; i < 2; i++) {
                queue.enqueue(JobRequest.of("noop_job", "maintenance", Map.of("i", i), "b", "t"));
            }
            queue.enqueue(JobRequest.of("noop_job", "reports", Map.of(), "b", "t"));
            queue.enqueue(JobRequest.of("hold_job", "high", Map.of(), "b", "t"));
            queue.enqueue(JobRequest.of("noop_job", "recordings", Map.of(), "b", "t"));
            JobRunner busy = runner(connections, clock, handlers, "sb-agree-busy", List.of("high"));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            // A queue rq lists only once it had a job: the idle worker's runs (and finishes) one.
            String done = queue.enqueue(JobRequest.of("noop_job", "low", Map.of(), "b", "t")).jobId();
            JobRunner idle = runner(connections, clock, handlers, "sb-agree-idle", List.of("low", "broadcasts"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"finished".equals(redis.commands().hget("rq:job:" + done, "status")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            try {
                Thread.sleep(1500); // a registration heartbeat: busy/idle written
                String raw = run(rq, "info", "--url", redis.url(), "-S", "rq.serializers.JSONSerializer", "--raw");
                JsonNode ours = new ObjectMapper().readTree(jobsInfoJson());
                System.out.println("rq info --raw:\n" + raw + "\nswitchboard jobs info --json:\n" + ours);

                Map<String, Long> rqQueues = new TreeMap<>();
                Map<String, String> rqWorkers = new TreeMap<>();
                for (String line : raw.lines().toList()) {
                    Matcher q = QUEUE.matcher(line);
                    Matcher w = WORKER.matcher(line);
                    if (q.matches()) {
                        rqQueues.put(q.group(1), Long.parseLong(q.group(2)));
                    } else if (w.matches()) {
                        rqWorkers.put(w.group(1), w.group(5) + " " + w.group(6).replace(" ", "") + " pid " + w.group(4));
                    }
                }
                Map<String, Long> ourQueues = new TreeMap<>();
                ours.get("queues").forEach(n -> ourQueues.put(n.get("name").asText(), n.get("queued").asLong()));
                Map<String, String> ourWorkers = new TreeMap<>();
                ours.get("workers").forEach(n -> {
                    StringBuilder queues = new StringBuilder();
                    n.get("queues").forEach(x -> queues.append(queues.isEmpty() ? "" : ",").append(x.asText()));
                    ourWorkers.put(n.get("name").asText(), n.get("state").asText() + " " + queues + " pid " + n.get("pid").asLong());
                });

                assertEquals(Set.of("default", "maintenance", "reports", "high", "recordings", "low"), rqQueues.keySet(), raw);
                for (var entry : rqQueues.entrySet()) {
                    assertEquals(entry.getValue(), ourQueues.get(entry.getKey()), "queue " + entry.getKey() + ": " + raw);
                }
                assertTrue(ourQueues.keySet().containsAll(rqQueues.keySet()));
                // Queues rq does not list have never had a job: ours shows them empty.
                ourQueues.forEach((name, count) -> {
                    if (!rqQueues.containsKey(name)) {
                        assertEquals(0L, count, name);
                    }
                });
                assertEquals(rqWorkers, ourWorkers, raw);
                assertTrue(ourWorkers.get("sb-agree-busy").startsWith("busy high"), ourWorkers.toString());
                assertTrue(ourWorkers.get("sb-agree-idle").startsWith("idle low,broadcasts"), ourWorkers.toString());
            } finally {
                release.countDown();
                busy.stop(Duration.ofSeconds(5));
                idle.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static JobRunner runner(RedisConnections connections, Clock clock, JobHandlers handlers, String name,
                                    List<String> queues) {
        JobRunner runner = new JobRunner(new JobRunner.Settings(name, queues, 1, Duration.ofSeconds(30), 3),
                new RedisJobClaims(connections, clock), new RedisJobMaintenance(connections, clock),
                new RedisWorkerRegistry(connections, clock), handlers);
        runner.start();
        return runner;
    }

    private static String jobsInfoJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = JobsCli.run(new String[] {"info", "--json"}, Map.of("REDIS_URL", redis.url()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        return out.toString(StandardCharsets.UTF_8);
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
