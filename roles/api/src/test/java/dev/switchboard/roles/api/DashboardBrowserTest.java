package dev.switchboard.roles.api;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLeaseLock;
import dev.switchboard.adapters.redis.RedisSchedulerTicks;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.roles.worker.WorkerRole;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard end to end: the api role and a real worker in this JVM over a real Redis, and
 * Debian's headless Chromium driven by {@code src/test/browser/dashboard.spec.mjs}
 * (playwright-core). The browser signs in (after a wrong token is refused), watches a running
 * {@code noop_job}'s bar advance, reads a failed job's error and requeues it; this test then checks
 * in Redis that the job left the failed registry and waits on its queue.
 *
 * <p>Skips itself, saying what to install, when Chromium, node or playwright-core is missing (see
 * the README's Tests section; {@code .ci/run} installs them).
 */
class DashboardBrowserTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final Path BROWSER_TESTS = Path.of("src", "test", "browser");
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    private static final String OTHER_TYPE = "dashboard_test_job";
    private static final String INSTALL = "apt-get install -y chromium nodejs npm && npm ci --prefix roles/api/src/test/browser";

    @Test
    void apiRoleServesTheDashboardWithAStrictPolicy() {
        try (ApiFixture api = new ApiFixture(redis.url())) {
            HttpResponse<String> page = api.get("/dashboard");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"));
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
            assertEquals(200, api.get("/dashboard/app.js").statusCode());
            assertEquals(404, api.get("/dashboard/pom.xml").statusCode());
        }
    }

    @Test
    void operatorWatchesAJobAdvanceAndRequeuesAFailedJobInARealBrowser() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        String missing = !Files.isExecutable(chromium) ? "no Chromium at " + chromium
                : !nodeAnswers() ? "no node on the PATH"
                : !Files.isRegularFile(BROWSER_TESTS.resolve("node_modules/playwright-core/package.json"))
                        ? "playwright-core is not installed in " + BROWSER_TESTS : null;
        if (missing != null) {
            System.out.println("DashboardBrowserTest skipped: " + missing + "; install: " + INSTALL);
        }
        assumeTrue(missing == null, () -> "skipped: " + missing + "; install: " + INSTALL);

        Clock clock = Clock.systemUTC();
        try (ApiFixture api = new ApiFixture(redis.url());
             RedisConnections connections = RedisConnections.connect(redis.url())) {
            RedisJobQueue queue = new RedisJobQueue(connections, clock);
            standInForTheScheduler(connections);

            // A job that fails, run by a worker on "low" that then stops: the requeued job stays queued.
            String failed;
            try (WorkerRole lowWorker = WorkerRole.start(workerConfig("low"))) {
                failed = queue.enqueue(JobRequest.of("noop_job", "low", Map.of("fail", true), "biz-a", "dashboard-e2e"))
                        .jobId();
                await("the failing job to fail", Duration.ofSeconds(20), () -> "failed".equals(status(failed)));
            }

            try (WorkerRole worker = WorkerRole.start(workerConfig("default"))) {
                // Quick jobs that succeed, for the throughput graph.
                List<String> quick = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    quick.add(queue.enqueue(JobRequest.of("noop_job", "default", Map.of(), "biz-a", "dashboard-e2e-" + i))
                            .jobId());
                }
                await("the quick jobs to finish", Duration.ofSeconds(20),
                        () -> quick.stream().allMatch(id -> "finished".equals(status(id))));
                String running = queue.enqueue(JobRequest.of("noop_job", "default",
                        Map.of("sleep_ms", 60_000, "steps", 30), "biz-a", "dashboard-e2e")).jobId();
                await("the long job to start", Duration.ofSeconds(20), () -> "started".equals(status(running)));

                // A running job whose progress message is markup, on a queue no worker serves.
                String hostile = queue.enqueue(JobRequest.of("import_contacts_job", "maintenance", Map.of(), "biz-a",
                        "dashboard-e2e")).jobId();
                RedisJobClaims claims = new RedisJobClaims(connections, clock);
                ClaimedJob claimed = claims.claim("dashboard-test", List.of("maintenance"), Duration.ofMinutes(2))
                        .orElseThrow();
                claims.progress(claimed, 40, "importing <img src=x onerror=\"window.__xss=1\"> contacts");
                // Another job type settles three attempts: the graph of noop_job alone must leave them out.
                for (int i = 0; i < 3; i++) {
                    queue.enqueue(JobRequest.of(OTHER_TYPE, "recordings", Map.of(), "biz-a", "dashboard-e2e-other"));
                    claims.complete(claims.claim("dashboard-test", List.of("recordings"), Duration.ofMinutes(1))
                            .orElseThrow(), null, Duration.ofMillis(20), java.util.Optional.empty());
                }

                Files.createDirectories(SCREENSHOT.getParent());
                Files.deleteIfExists(SCREENSHOT);
                String output = runBrowser(api.uri("").toString(), ApiFixture.BIZ_A_TOKEN, running, failed, hostile,
                        chromium);
                System.out.println(output);
                assertTrue(output.contains("dashboard e2e: ok"), output);
            }

            assertNull(redis.commands().zscore("rq:failed:low", failed), "the requeued job left the failed registry");
            assertEquals("queued", status(failed));
            assertEquals(List.of(failed), redis.commands().lrange("rq:queue:low", 0, -1));
            assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot at " + SCREENSHOT.toAbsolutePath());
        }
    }

    /** The scheduler role is not part of this test: take its lease and record one tick, as it would. */
    private static void standInForTheScheduler(RedisConnections connections) {
        String owner = "scheduler.dashboard-test";
        RedisLeaseLock.scheduler(connections).acquire(owner, Duration.ofMinutes(2));
        new RedisSchedulerTicks(connections).recordTick(owner, Duration.ofMinutes(2), Instant.now());
    }

    private static dev.switchboard.roles.common.RoleConfig workerConfig(String queues) {
        return ApiFixture.config(redis.url(), Map.of("SERVICE_ROLE", "worker", "RQ_QUEUES", queues,
                "WORKER_GRACE", "1s", "WORKER_CONCURRENCY", "2", "DATABASE_URL", postgres.databaseUrl()));
    }

    /** Runs the browser script; its exit code must be 0. Returns what it printed. */
    private static String runBrowser(String base, String token, String running, String failed, String hostile,
                                     Path chromium) throws IOException, InterruptedException {
        Path log = Files.createTempFile("sb-dashboard-e2e-", ".log");
        List<String> command = new ArrayList<>(List.of("node", "dashboard.spec.mjs", "--base", base, "--token", token,
                "--running", running, "--failed", failed, "--hostile", hostile, "--othertype", OTHER_TYPE,
                "--screenshot", SCREENSHOT.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(BROWSER_TESTS.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CHROMIUM", chromium.toString());
        Process node = builder.start();
        try {
            if (!node.waitFor(3, TimeUnit.MINUTES)) {
                fail("the browser test did not finish in 3 minutes:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, node.exitValue(), "the browser test failed:\n" + output);
            return output;
        } finally {
            // Never leave a browser behind, whatever happened.
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static boolean nodeAnswers() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return node.waitFor(20, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String status(String jobId) {
        return redis.commands().hget("rq:job:" + jobId, "status");
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
