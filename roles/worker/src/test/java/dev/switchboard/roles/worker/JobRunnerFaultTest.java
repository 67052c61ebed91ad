package dev.switchboard.roles.worker;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker engine under faults a clean kill does not produce: a network partition (a TCP proxy
 * the test blackholes), a handler that ignores its interrupt, a shutdown while handlers unwind.
 * The property each time: a job never runs on two workers at once, and a worker that can no
 * longer trust its lease records nothing.
 */
class JobRunnerFaultTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private RedisJobQueue queue;
    /** Per job id and worker: when its attempt started and ended (nanoTime). */
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> ended = new ConcurrentHashMap<>();

    @BeforeEach
    void connect() {
        RedisConnections connections = RedisConnections.connect(redis.url());
        cleanup.add(connections);
        queue = new RedisJobQueue(connections, Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private JobRunner runner(String name, String url, Duration lease, int concurrency, JobHandler handler) {
        RedisConnections connections = RedisConnections.connect(url);
        Clock clock = Clock.systemUTC();
        JobHandlers handlers = new JobHandlers() {
            @Override
            public Optional<JobHandler> handlerFor(String jobName) {
                return Optional.of(handler);
            }

            @Override
            public Set<String> jobNames() {
                return Set.of();
            }
        };
        JobRunner runner = new JobRunner(new JobRunner.Settings(name, List.of("default"), concurrency, lease, 5),
                new RedisJobClaims(connections, clock), new RedisJobMaintenance(connections, clock),
                new RedisWorkerRegistry(connections, clock), handlers);
        runner.start();
        cleanup.add(connections);
        cleanup.add(() -> runner.stop(Duration.ofMillis(100)));
        return runner;
    }

    private TcpProxy proxy() throws Exception {
        TcpProxy proxy = new TcpProxy(URI.create(redis.url()).getPort());
        cleanup.add(proxy);
        return proxy;
    }

    private static String through(TcpProxy proxy) {
        return "redis://127.0.0.1:" + proxy.port();
    }

    private String enqueue(Duration timeout, RetryPolicy retry) {
        return queue.enqueue(JobRequest.of("fault_job", "default", Map.of(), "b", "t").withTimeout(timeout)
                .withRetry(retry)).jobId();
    }

    private static String field(String id, String name) {
        return redis.commands().hget("rq:job:" + id, name);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Runs until interrupted, then records its end. */
    private JobHandler interruptible(String worker) {
        return job -> {
            started.put(job.jobId() + "@" + worker, System.nanoTime());
            try {
                Thread.sleep(Duration.ofMinutes(2));
                return "slept";
            } finally {
                ended.put(job.jobId() + "@" + worker, System.nanoTime());
            }
        };
    }

    private JobHandler quick(String worker) {
        return job -> {
            started.put(job.jobId() + "@" + worker, System.nanoTime());
            ended.put(job.jobId() + "@" + worker, System.nanoTime());
            return "done by " + worker;
        };
    }

    @Test
    void partitionedWorkerStopsItsAttemptsBeforeAnotherWorkerCanRerunThemAndSettlesNone() throws Exception {
        TcpProxy proxy = proxy();
        String first = enqueue(Duration.ofMinutes(5), RetryPolicy.NONE);
        String second = enqueue(Duration.ofMinutes(5), RetryPolicy.NONE);
        runner("cut-off", through(proxy), Duration.ofMillis(1500), 2, interruptible("cut-off"));
        await("both jobs running behind the proxy", Duration.ofSeconds(15),
                () -> started.containsKey(first + "@cut-off") && started.containsKey(second + "@cut-off"));

        proxy.blackhole();
        runner("healthy", redis.url(), Duration.ofSeconds(5), 2, quick("healthy"));

        await("the healthy worker to rerun both", Duration.ofSeconds(30),
                () -> "finished".equals(field(first, "status")) && "finished".equals(field(second, "status")));
        for (String id : List.of(first, second)) {
            Long stoppedBehindProxy = ended.get(id + "@cut-off");
            assertNotNull(stoppedBehindProxy, "the cut-off worker stopped its attempt of " + id);
            assertTrue(stoppedBehindProxy < started.get(id + "@healthy"),
                    "the cut-off attempt ended before the rerun started: no overlap for " + id);
            assertEquals("healthy", field(id, "worker_name"));
            assertEquals("1", field(id, "lease_expiries"));
        }
        proxy.heal();
        Thread.sleep(1500);
        assertEquals("finished", field(first, "status"), "the cut-off worker settled nothing after healing");
        assertEquals("finished", field(second, "status"));
    }

    @Test
    void timedOutHandlerThatIgnoresInterruptsDoesNotKeepItsJobWhenRedisRefusedTheFailure() throws Exception {
        TcpProxy proxy = proxy();
        CountDownLatch release = new CountDownLatch(1);
        String id = enqueue(Duration.ofSeconds(1), RetryPolicy.of(1, Duration.ZERO));
        runner("stubborn", through(proxy), Duration.ofSeconds(3), 1, job -> {
            started.put(job.jobId() + "@stubborn", System.nanoTime());
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // this handler ignores its interrupt
                }
            }
            ended.put(job.jobId() + "@stubborn", System.nanoTime());
            return "late";
        });
        try {
            await("the stubborn attempt", Duration.ofSeconds(15), () -> started.containsKey(id + "@stubborn"));
            Thread.sleep(500);
            proxy.refuse(); // the timeout's failure cannot be recorded: Redis refuses at once
            Thread.sleep(1000);
            proxy.heal(); // the old runner went on extending the lease from here, as long as the handler ran
            runner("healthy", redis.url(), Duration.ofSeconds(5), 1, quick("healthy"));

            await("the healthy worker to take the job over", Duration.ofSeconds(30),
                    () -> "finished".equals(field(id, "status")));
            assertEquals("healthy", field(id, "worker_name"));
            assertTrue(!ended.containsKey(id + "@stubborn"), "taken over while the stubborn handler still ran");
        } finally {
            release.countDown();
        }
        await("the stubborn handler to return", Duration.ofSeconds(10), () -> ended.containsKey(id + "@stubborn"));
        Thread.sleep(500);
        assertEquals("finished", field(id, "status"));
        assertEquals("healthy", field(id, "worker_name"), "the stubborn attempt's late result was discarded");
    }

    @Test
    void timedOutHandlerThatIgnoresInterruptsIsFailedWithinTheGraceAndItsSlotStaysTaken() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String id = enqueue(Duration.ofSeconds(1), RetryPolicy.of(1, Duration.ZERO));
        runner("stubborn", redis.url(), Duration.ofSeconds(3), 1, job -> {
            if (job.attempt() > 1) {
                started.put(job.jobId() + "@retry", System.nanoTime());
                return "retried";
            }
            started.put(job.jobId() + "@stubborn", System.nanoTime());
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // this handler ignores its interrupt
                }
            }
            ended.put(job.jobId() + "@stubborn", System.nanoTime());
            return "late";
        });
        try {
            await("the stubborn attempt", Duration.ofSeconds(15), () -> started.containsKey(id + "@stubborn"));
            await("the timeout's failure to be recorded", Duration.ofSeconds(10), () -> "queued".equals(field(id, "status")));
            assertTrue(new String(dev.switchboard.testsupport.Zlib.inflate(
                    redis.binaryCommands().hget("rq:job:" + id, "exc_info"))).contains("JobTimeoutException"));
            Thread.sleep(1500);
            assertTrue(!started.containsKey(id + "@retry"), "the retry waits for the slot the stubborn handler holds");
        } finally {
            release.countDown();
        }
        await("the retry", Duration.ofSeconds(15), () -> "finished".equals(field(id, "status")));
        assertTrue(ended.get(id + "@stubborn") < started.get(id + "@retry"), "no overlap on this worker");
    }

    @Test
    void shutdownGivesAJobBackOnlyAfterItsHandlerStoppedSoNoOtherWorkerOverlapsIt() throws Exception {
        String id = enqueue(Duration.ofMinutes(5), RetryPolicy.NONE);
        JobRunner stopping = runner("stopping", redis.url(), Duration.ofSeconds(5), 1, job -> {
            started.put(job.jobId() + "@stopping", System.nanoTime());
            try {
                Thread.sleep(Duration.ofMinutes(2));
                return "slept";
            } catch (InterruptedException e) {
                Thread.sleep(700); // cleaning up after the interrupt takes a while
                throw e;
            } finally {
                ended.put(job.jobId() + "@stopping", System.nanoTime());
            }
        });
        await("the job to run", Duration.ofSeconds(15), () -> started.containsKey(id + "@stopping"));
        runner("other", redis.url(), Duration.ofSeconds(5), 1, quick("other"));

        stopping.stop(Duration.ofMillis(200));

        await("the other worker to run the returned job", Duration.ofSeconds(15),
                () -> "finished".equals(field(id, "status")));
        Long stopped = ended.get(id + "@stopping");
        assertTrue(stopped != null && stopped < started.get(id + "@other"),
                "released only after the handler returned: no overlap");
        assertEquals("0", field(id, "lease_expiries") == null ? "0" : field(id, "lease_expiries"));
    }
}
