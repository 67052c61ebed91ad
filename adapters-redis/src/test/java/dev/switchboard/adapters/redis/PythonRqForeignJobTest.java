package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Settlement;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs enqueued by real python-rq (its {@code Queue.enqueue} with {@code ttl=} and
 * {@code failure_ttl=}), run by Switchboard: the TTLs mean what python-rq means by them. Skipped
 * where python-rq is not installed; CI installs it.
 */
class PythonRqForeignJobTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final List<String> DEFAULT = List.of("default");

    private RedisConnections connections;
    private RedisJobClaims claims;

    @BeforeEach
    void connect() {
        connections = RedisConnections.connect(redis.url());
        claims = new RedisJobClaims(connections, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void aJobEnqueuedWithTtlDoesNotExpireWhileItRuns() throws Exception {
        pythonEnqueue("py-ttl", "ttl=2");
        assertTrue(redis.commands().ttl("rq:job:py-ttl") > 0, "python-rq set the queued-job TTL");

        ClaimedJob job = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        Thread.sleep(3000);

        assertEquals(1L, redis.commands().exists("rq:job:py-ttl"), "the running job's hash is still there");
        assertEquals(Settlement.APPLIED, claims.complete(job, "done"));
        assertEquals(1L, redis.commands().zcard("rq:finished:default"));
    }

    @Test
    void failureTtlMinusOneKeepsACanceledOrFailedJobForever() throws Exception {
        pythonEnqueue("py-cancel", "failure_ttl=-1");
        pythonEnqueue("py-fail", "failure_ttl=-1");
        RedisJobAdministration administration = new RedisJobAdministration(connections, Clock.systemUTC());

        ClaimedJob running = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        administration.cancel(BusinessScope.all(), running.id());
        assertEquals(Settlement.APPLIED, claims.canceled(running));
        assertEquals(-1L, redis.commands().ttl("rq:job:py-cancel"), "kept forever, not deleted");
        assertEquals("canceled", redis.commands().hget("rq:job:py-cancel", "status"));

        ClaimedJob failing = claims.claim("w", DEFAULT, Duration.ofSeconds(30)).orElseThrow();
        claims.fail(failing, new AttemptFailure("boom", "", true, Duration.ZERO), Duration.ZERO, Optional.empty());
        assertEquals(-1L, redis.commands().ttl("rq:job:py-fail"));
        assertEquals(Double.POSITIVE_INFINITY, redis.commands().zscore("rq:failed:default", "py-fail"));
        assertEquals(-1L, redis.commands().ttl("rq:results:py-fail"));
    }

    @Test
    void failureTtlMinusOneSurvivesThePoisonPathOfTheReaper() throws Exception {
        pythonEnqueue("py-poison", "failure_ttl=-1");
        RedisJobMaintenance maintenance = new RedisJobMaintenance(connections, Clock.systemUTC());
        claims.claim("w", DEFAULT, Duration.ofMillis(300)).orElseThrow();
        Thread.sleep(500);

        maintenance.recoverExpiredLeases(DEFAULT, 1);

        assertEquals("failed", redis.commands().hget("rq:job:py-poison", "status"));
        assertEquals(-1L, redis.commands().ttl("rq:job:py-poison"));
    }

    /** Enqueues {@code some_job} with python-rq's own client (JSON serializer), as a Python producer would. */
    private static void pythonEnqueue(String id, String options) throws Exception {
        String python = pythonWithRq();
        Assumptions.assumeTrue(python != null, "python-rq is not installed (apt-get install -y python3-rq)");
        String script = String.join("\n",
                "import sys",
                "from redis import Redis",
                "from rq import Queue",
                "from rq.serializers import JSONSerializer",
                "q = Queue('default', connection=Redis.from_url(sys.argv[1]), serializer=JSONSerializer)",
                "q.enqueue('switchboard.jobs.some_job', kwargs={'k': 'v'}, job_id=sys.argv[2], " + options + ")");
        Process process = new ProcessBuilder(python, "-c", script, redis.url(), id).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
    }

    /** The interpreter of the {@code rq} command on the PATH (the one that has the rq package). */
    private static String pythonWithRq() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path rq = Path.of(dir, "rq");
            if (Files.isExecutable(rq)) {
                String first = Files.readAllLines(rq).getFirst();
                return first.startsWith("#!") ? first.substring(2).trim().split(" ")[0] : null;
            }
        }
        return null;
    }
}
