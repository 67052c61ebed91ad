package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code switchboard jobs} as operators run it: through the launcher's {@code main}, in its own
 * process, next to a real worker process. A job the CLI enqueues is run by that worker; without
 * {@code REDIS_URL} the command says so and starts nothing.
 */
class JobsCommandEndToEndTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static ChildJvm jobs(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "jobs";
        System.arraycopy(args, 0, all, 1, args.length);
        return ChildJvm.start(Switchboard.class.getName(), env, all);
    }

    @Test
    void aJobEnqueuedByTheCliIsRunByAWorkerProcessTheCliLists() throws Exception {
        try (ChildJvm worker = ChildJvm.start(Switchboard.class.getName(), Map.of("SERVICE_ROLE", "worker",
                "REDIS_URL", redis.url(), "DATABASE_URL", postgres.databaseUrl(), "RQ_QUEUES", "default,maintenance"))) {
            worker.awaitOutput("serving [default, maintenance]", Duration.ofSeconds(60));
            String workers;
            try (ChildJvm cli = jobs(Map.of("REDIS_URL", redis.url()), "workers", "--json")) {
                assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.output());
                workers = cli.output();
            }
            JsonNode listed = new ObjectMapper().readTree(workers).get("workers");
            assertEquals(1, listed.size(), workers);
            assertEquals(worker.pid(), listed.get(0).get("pid").asLong(), workers);
            assertEquals("default", listed.get(0).get("queues").get(0).asText(), workers);

            String enqueued;
            try (ChildJvm cli = jobs(Map.of("REDIS_URL", redis.url()), "enqueue", "whatsapp_sessions_cleanup_job")) {
                assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.output());
                enqueued = cli.output();
            }
            assertTrue(enqueued.startsWith("enqueued whatsapp_sessions_cleanup_job as "), enqueued);
            String jobId = enqueued.substring("enqueued whatsapp_sessions_cleanup_job as ".length()).split(" ")[0];
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"finished".equals(redis.commands().hget("rq:job:" + jobId, "status")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("finished", redis.commands().hget("rq:job:" + jobId, "status"), worker.output());
            assertTrue(worker.output().contains("job_id=" + jobId + " job=whatsapp_sessions_cleanup_job business_id=_system"),
                    worker.output());
        }
    }

    @Test
    void withoutRedisUrlTheCommandSaysSoAndExits2() {
        try (ChildJvm cli = jobs(Map.of(), "info")) {
            assertEquals(2, cli.waitFor(Duration.ofSeconds(60)), cli.output());
            assertTrue(cli.output().startsWith("switchboard jobs: REDIS_URL is not set"), cli.output());
        }
    }
}
