package dev.switchboard.roles.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLeaseLock;
import dev.switchboard.adapters.redis.RedisSchedulerTicks;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.roles.worker.JobRunner;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code switchboard jobs} command against a real Redis, with the Redis state written by the
 * real adapters and a real job runner; human output and {@code --json}, and the exit statuses.
 */
class JobsCliTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock = Clock.systemUTC();
    private final List<JobRunner> runners = new ArrayList<>();
    private RedisConnections connections;

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JobsCli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result jobs(String... args) {
        return run(Map.of("REDIS_URL", redis.url()), args);
    }

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
    }

    @AfterEach
    void stop() {
        runners.forEach(r -> r.stop(Duration.ofSeconds(5)));
        connections.close();
    }

    private String enqueue(JobRequest request) {
        return new RedisJobQueue(connections, clock).enqueue(request).jobId();
    }

    private static JobRequest job(String name, String queue) {
        return JobRequest.of(name, queue, Map.of(), "b1", "t");
    }

    /** A real runner; {@code hold_job} holds until released, {@code fail_job} fails, anything else succeeds. */
    private JobRunner worker(String name, List<String> queues, CountDownLatch holding, CountDownLatch release) {
        JobHandler handler = job -> switch (job.name()) {
            case "hold_job" -> {
                holding.countDown();
                release.await();
                yield null;
            }
            case "fail_job" -> throw new IllegalStateException("the gateway said no\n\tat somewhere");
            default -> null;
        };
        JobHandlers handlers = new JobHandlers() {
            @Override
            public Optional<JobHandler> handlerFor(String jobName) {
                return Optional.of(handler);
            }

            @Override
            public Set<String> jobNames() {
                return Set.of("hold_job", "fail_job");
            }
        };
        JobRunner runner = new JobRunner(new JobRunner.Settings(name, queues, 1, Duration.ofSeconds(30), 3),
                new RedisJobClaims(connections, clock), new RedisJobMaintenance(connections, clock),
                new RedisWorkerRegistry(connections, clock), handlers);
        runner.start();
        runners.add(runner);
        return runner;
    }

    private void awaitStatus(String jobId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (status.equals(redis.commands().hget("rq:job:" + jobId, "status"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(jobId + " is " + redis.commands().hget("rq:job:" + jobId, "status"));
    }

    private static void awaitBusy(String workerName) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if ("busy".equals(redis.commands().hget("rq:worker:" + workerName, "state"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(workerName + " never reported busy");
    }

    @Test
    void infoShowsQueueCountsWorkersAndTheSchedulerLeader() throws Exception {
        for (int i = 0; i < 3; i++) {
            enqueue(job("noop_job", "default"));
        }
        enqueue(job("noop_job", "bench"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String held = enqueue(job("hold_job", "high"));
        worker("sb-cli-info", List.of("high"), holding, release);
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        awaitBusy("sb-cli-info");
        RedisLeaseLock.scheduler(connections).acquire("scheduler-host-1-4242", Duration.ofSeconds(45));
        Instant tick = Instant.now().minusSeconds(7);
        assertTrue(new RedisSchedulerTicks(connections).recordTick("scheduler-host-1-4242", Duration.ofSeconds(45), tick));

        Result human = jobs("info");
        assertEquals(0, human.code(), human.toString());
        assertTrue(human.out().lines().anyMatch(l -> l.matches("default\\s+3\\s+0\\s+0\\s+0\\s+0\\s+0\\s+\\S+")), human.out());
        assertTrue(human.out().lines().anyMatch(l -> l.matches("high\\s+0\\s+1\\s+0\\s+0\\s+0\\s+0\\s+-")), human.out());
        assertTrue(human.out().lines().anyMatch(l -> l.startsWith("bench ")), "a queue Redis knows: " + human.out());
        assertTrue(human.out().contains("7 queues, 4 jobs waiting"), human.out());
        assertTrue(human.out().contains("1 worker\n  sb-cli-info  busy  high  job " + held), human.out());
        assertTrue(human.out().contains("scheduler: leader scheduler-host-1-4242 (lease "), human.out());
        assertTrue(human.out().contains("last tick " + tick.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), human.out());

        JsonNode json = jobs("info", "--json").json();
        JsonNode queues = json.get("queues");
        assertEquals(List.of("high", "default", "low", "maintenance", "broadcasts", "recordings", "bench"),
                names(queues));
        assertEquals(3, queues.get(1).get("queued").asInt());
        assertTrue(queues.get(1).get("oldest_queued_age_seconds").asDouble() >= 0);
        assertEquals(1, queues.get(0).get("started").asInt());
        assertEquals("sb-cli-info", json.get("workers").get(0).get("name").asText());
        assertEquals(held, json.get("workers").get(0).get("current_job").asText());
        assertEquals("scheduler-host-1-4242", json.get("scheduler").get("leader").asText());
        assertTrue(json.get("scheduler").get("lease_remaining_seconds").asDouble() > 30);
        assertEquals(tick.toString(), json.get("scheduler").get("last_tick").asText());
        // --json before the command works too (it is the parent's option, inherited).
        assertEquals(names(queues), names(jobs("--json", "info").json().get("queues")));
        release.countDown();
    }

    @Test
    void anEmptySystemHasNoWorkersAndNoLeader() {
        Result result = jobs("info");
        assertEquals(0, result.code(), result.toString());
        assertTrue(result.out().contains("6 queues, 0 jobs waiting"), result.out());
        assertTrue(result.out().contains("0 workers"), result.out());
        assertTrue(result.out().contains("scheduler: no leader, last tick never"), result.out());
        JsonNode json = jobs("info", "--json").json();
        assertTrue(json.get("scheduler").get("leader").isNull());
        assertEquals(0, json.get("workers").size());
    }

    @Test
    void workersListsEveryRunnerWithItsQueuesStateAndTotals() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String done = enqueue(job("noop_job", "low"));
        worker("sb-cli-a", List.of("high", "low"), holding, release);
        awaitStatus(done, "finished");
        String held = enqueue(job("hold_job", "high"));
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        worker("sb-cli-b", List.of("default"), new CountDownLatch(1), new CountDownLatch(0));
        awaitBusy("sb-cli-a");

        Result human = jobs("workers");
        assertEquals(0, human.code(), human.toString());
        assertTrue(human.out().startsWith("2 workers\n  sb-cli-a  busy  high,low  job " + held + "\n      host "), human.out());
        assertTrue(human.out().contains("\n  sb-cli-b  idle  default\n"), human.out());

        JsonNode workers = jobs("workers", "--json").json().get("workers");
        assertEquals(List.of("sb-cli-a", "sb-cli-b"), names(workers));
        JsonNode a = workers.get(0);
        assertEquals("busy", a.get("state").asText());
        assertEquals(List.of("high", "low"), List.of(a.get("queues").get(0).asText(), a.get("queues").get(1).asText()));
        assertEquals(ProcessHandle.current().pid(), a.get("pid").asLong());
        assertTrue(a.get("last_heartbeat_age_seconds").asDouble() < 10, a.toString());
        release.countDown();
        awaitStatus(held, "finished");
        // A worker that died: its hash expired, its name is still in rq:workers. It is not listed.
        redis.commands().sadd("rq:workers", "rq:worker:sb-cli-dead");
        assertEquals(List.of("sb-cli-a", "sb-cli-b"), names(jobs("workers", "--json").json().get("workers")));
    }

    @Test
    void enqueueBuildsTheJobFromItsTypeOnItsQueue() {
        Result result = jobs("enqueue", "push_send_job", "--kwargs",
                "{\"user_id\":\"u-7\",\"title\":\"Hello\",\"body\":\"World\",\"ttl_seconds\":60}", "--business", "acme",
                "--json");
        assertEquals(0, result.code(), result.toString());
        JsonNode json = result.json();
        String id = json.get("job_id").asText();
        assertEquals("default", json.get("queue").asText());
        assertEquals(List.of(id), redis.commands().lrange("rq:queue:default", 0, -1));
        JobView view = new RedisJobInspection(connections, clock).find(BusinessScope.all(), id).orElseThrow();
        assertEquals("push_send_job", view.name());
        assertEquals("acme", view.businessId());
        assertEquals(json.get("trace_id").asText(), view.traceId());
        assertEquals(Map.of("user_id", "u-7", "title", "Hello", "body", "World", "ttl_seconds", 60), view.kwargs());
        assertEquals(JobStatus.QUEUED, view.status());
        // Its retry policy is the job type's: python-rq's retries_left field.
        assertEquals("5", redis.commands().hget("rq:job:" + id, "retries_left"));

        Result periodic = jobs("enqueue", "reminders_tick_job");
        assertEquals(0, periodic.code(), periodic.toString());
        assertTrue(periodic.out().startsWith("enqueued reminders_tick_job as "), periodic.out());
        assertTrue(periodic.out().contains("(business _system, trace cli-"), periodic.out());

        // The diagnostic job, for an operator checking a deployment: no hash written by hand.
        Result noop = jobs("enqueue", "noop_job", "--kwargs", "{\"sleep_ms\":100,\"steps\":2}", "--json");
        assertEquals(0, noop.code(), noop.toString());
        JobView noopJob = new RedisJobInspection(connections, clock)
                .find(BusinessScope.all(), noop.json().get("job_id").asText()).orElseThrow();
        assertEquals("noop_job", noopJob.name());
        assertEquals(Map.of("sleep_ms", 100, "steps", 2, "fail", false), noopJob.kwargs());
    }

    @Test
    void enqueueRefusesUnknownJobsAndBadArgumentsAndWritesNothing() {
        Result unknown = jobs("enqueue", "format_disk_job", "--kwargs", "{}");
        assertEquals(1, unknown.code(), unknown.toString());
        assertTrue(unknown.err().startsWith("switchboard jobs: unknown job 'format_disk_job' (jobs: "), unknown.err());
        assertTrue(unknown.err().contains("push_send_job"), unknown.err());

        // Every job of the original system is built now: the recording jobs are in the list, and a
        // recording_job is held to its codec like any other (a sid that could leave its URL path is refused).
        assertTrue(unknown.err().contains("recording_job") && unknown.err().contains("cleanup_old_recordings_job"),
                unknown.err());
        Result badSid = jobs("enqueue", "recording_job", "--business", "biz-1", "--kwargs",
                "{\"business_id\":\"biz-1\",\"call_sid\":\"CA1\",\"recording_sid\":\"../RE1\","
                        + "\"recording_url\":\"https://api.twilio.com/x\",\"recording_status\":\"completed\"}");
        assertEquals(1, badSid.code(), badSid.toString());
        assertTrue(badSid.err().contains("refused:") && badSid.err().contains("'recording_sid' must be 2..64"),
                badSid.err());

        Result missing = jobs("enqueue", "push_send_job", "--kwargs", "{\"user_id\":\"u\",\"title\":\"t\"}");
        assertEquals(1, missing.code(), missing.toString());
        assertEquals("switchboard jobs: refused: job argument 'body' is missing", missing.err().strip());

        Result mistyped = jobs("enqueue", "push_send_job", "--kwargs", "{\"user_id\":1,\"title\":\"t\",\"body\":\"b\"}",
                "--json");
        assertEquals(1, mistyped.code(), mistyped.toString());
        assertTrue(mistyped.json().get("error").asText().contains("'user_id' must be a string"), mistyped.out());
        assertEquals(1, mistyped.json().get("exit_code").asInt());

        Result extra = jobs("enqueue", "reminders_tick_job", "--kwargs", "{\"now\":true}");
        assertEquals(1, extra.code(), extra.toString());
        assertTrue(extra.err().contains("reminders_tick_job takes no argument 'now'"), extra.err());

        Result tooLong = jobs("enqueue", "noop_job", "--kwargs", "{\"sleep_ms\":-5}");
        assertEquals(1, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("sleep_ms must be 0 to 600000, not -5"), tooLong.err());

        Result notJson = jobs("enqueue", "reminders_tick_job", "--kwargs", "{now");
        assertEquals(2, notJson.code(), notJson.toString());
        assertTrue(notJson.err().contains("--kwargs is not JSON"), notJson.err());
        Result notAnObject = jobs("enqueue", "reminders_tick_job", "--kwargs", "[1]");
        assertEquals(2, notAnObject.code(), notAnObject.toString());

        Result reserved = jobs("enqueue", "reminders_tick_job", "--business", "_admin");
        assertEquals(2, reserved.code(), reserved.toString());

        assertEquals(List.of(), redis.commands().keys("rq:*"), "nothing was written");
    }

    @Test
    void failedListsErrorsAndRequeuePutsJobsBack() throws Exception {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            failed.add(enqueue(JobRequest.of("fail_job", "low", Map.of("i", i), i == 0 ? "b1" : "b2", "t")));
        }
        JobRunner runner = worker("sb-cli-fail", List.of("low"), new CountDownLatch(1), new CountDownLatch(0));
        for (String id : failed) {
            awaitStatus(id, "failed");
        }
        runner.stop(Duration.ofSeconds(5));
        runners.remove(runner);

        Result list = jobs("failed", "--queue", "low");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().startsWith("queue low: 3 failed\n  " + failed.get(0) + "  fail_job  business b1  attempts 1"),
                list.out());
        assertTrue(list.out().contains("      java.lang.IllegalStateException: the gateway said no\n"), list.out());
        assertFalse(list.out().contains("at somewhere"), "only the first line of the error: " + list.out());
        JsonNode json = jobs("failed", "--queue", "low", "--business", "b2", "--json").json();
        assertEquals(2, json.get("queues").get(0).get("total").asInt());
        assertTrue(json.get("queues").get(0).get("jobs").get(0).get("error").asText().contains("at somewhere"));
        Result everyQueue = jobs("failed");
        assertTrue(everyQueue.out().endsWith("3 failed jobs in 6 queues\n"), everyQueue.out());
        assertEquals(1, jobs("failed", "--queue", "lwo").code(), "a typo is not an empty queue");

        Result one = jobs("requeue", failed.get(0));
        assertEquals(0, one.code(), one.toString());
        assertEquals("requeued " + failed.get(0), one.out().strip());
        assertEquals("queued", redis.commands().hget("rq:job:" + failed.get(0), "status"));
        assertEquals(List.of(failed.get(0)), redis.commands().lrange("rq:queue:low", 0, -1));

        Result again = jobs("requeue", failed.get(0));
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("is queued: only failed or canceled jobs can be requeued"), again.err());
        Result missing = jobs("requeue", "no-such-job");
        assertEquals(1, missing.code(), missing.toString());
        assertEquals("switchboard jobs: no job no-such-job", missing.err().strip());

        Result all = jobs("requeue", "--all", "--queue", "low", "--json");
        assertEquals(0, all.code(), all.toString());
        assertEquals(2, all.json().get("requeued").asInt());
        assertEquals(3L, redis.commands().llen("rq:queue:low"));
        assertEquals(0L, redis.commands().zcard("rq:failed:low"));

        assertEquals(2, jobs("requeue", "--all").code(), "--all needs --queue");
        assertEquals(2, jobs("requeue", failed.get(0), "--all", "--queue", "low").code(), "one or the other");
        assertEquals(2, jobs("requeue").code());
    }

    @Test
    void cancellingARunningJobAsksItsWorkerToStopIt() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String running = enqueue(job("hold_job", "high"));
        worker("sb-cli-cancel", List.of("high"), holding, release);
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        Result human = jobs("cancel", running);
        assertEquals(0, human.code(), human.toString());
        assertEquals("job " + running + " is running: its worker was asked to stop it", human.out().strip());
        // The worker interrupts the handler at its next heartbeat and settles the job as canceled.
        awaitStatus(running, "canceled");
        Result after = jobs("cancel", running, "--json");
        assertEquals(1, after.code(), after.toString());
        assertTrue(after.json().get("error").asText().contains("had already finished, failed or been canceled"));
        release.countDown();
    }

    @Test
    void cancelCancelsAJobOrARunWithinItsBusiness() {
        String queued = enqueue(job("noop_job", "default"));
        Result canceled = jobs("cancel", queued);
        assertEquals(0, canceled.code(), canceled.toString());
        assertEquals("canceled " + queued, canceled.out().strip());
        assertEquals("canceled", redis.commands().hget("rq:job:" + queued, "status"));
        Result again = jobs("cancel", queued, "--json");
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.json().get("error").asText().contains("had already finished, failed or been canceled"));
        assertEquals(1, jobs("cancel", "no-such-job").code());

        List<String> run = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            run.add(enqueue(JobRequest.of("noop_job", "broadcasts", Map.of("i", i), "acme", "t").withRunId("run-9")));
        }
        String otherBusiness = enqueue(JobRequest.of("noop_job", "broadcasts", Map.of(), "globex", "t").withRunId("run-9"));
        Result byRun = jobs("cancel", "--run", "run-9", "--business", "acme", "--json");
        assertEquals(0, byRun.code(), byRun.toString());
        assertEquals(2, byRun.json().get("canceled").asInt());
        for (String id : run) {
            assertEquals("canceled", redis.commands().hget("rq:job:" + id, "status"));
        }
        assertEquals("queued", redis.commands().hget("rq:job:" + otherBusiness, "status"), "another business's run");
        assertEquals(1, jobs("cancel", "--run", "run-9", "--business", "acme").code(), "nothing left to cancel");
        assertEquals(2, jobs("cancel", "--run", "run-9").code(), "a run needs its business");
    }

    @Test
    void configurationAndOutagesHaveTheirOwnExitStatus() {
        Result unset = run(Map.of(), "info");
        assertEquals(2, unset.code(), unset.toString());
        assertTrue(unset.err().startsWith("switchboard jobs: REDIS_URL is not set"), unset.err());
        Result malformed = run(Map.of("REDIS_URL", "localhost:6379"), "info");
        assertEquals(2, malformed.code(), malformed.toString());
        assertEquals("switchboard jobs: REDIS_URL is not a valid Redis URL", malformed.err().strip());
        int closed = FreePorts.next();
        Result unreachable = run(Map.of("REDIS_URL", "redis://:s3cret-password@127.0.0.1:" + closed), "info", "--json");
        assertEquals(3, unreachable.code(), unreachable.toString());
        assertTrue(unreachable.err().contains("cannot reach Redis at 127.0.0.1:" + closed), unreachable.err());
        assertFalse(unreachable.err().contains("s3cret"), "the password is never shown");
        assertEquals(3, unreachable.json().get("exit_code").asInt());

        Result bare = jobs();
        assertEquals(2, bare.code(), bare.toString());
        assertTrue(bare.err().contains("info") && bare.err().contains("requeue"), bare.err());
        Result typo = jobs("infoo");
        assertEquals(2, typo.code(), typo.toString());
        Result help = jobs("--help");
        assertEquals(0, help.code(), help.toString());
        assertTrue(help.out().contains("Exit status: 0 done; 1 nothing done"), help.out());
        assertEquals(0, jobs("enqueue", "--help").code());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.get("name").asText()));
        return names;
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
