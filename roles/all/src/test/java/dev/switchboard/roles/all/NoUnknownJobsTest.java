package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system for 20 seconds with a one-second scheduler tick and the schedule running 60
 * times faster (20 minutes of schedule: every minute, five- and ten-minute job several times), on
 * a fresh Redis and database: every job that was enqueued has a handler, so nothing fails — in
 * particular nothing as an unknown job — and the periodic jobs that exist ran.
 */
class NoUnknownJobsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final List<String> QUEUES = List.of("high", "default", "low", "maintenance", "broadcasts",
            "recordings");

    @Test
    void aMinuteOfTheWholeSystemFailsNoJob() throws Exception {
        int port = FreePorts.next();
        // A previous leader ticked nine schedule-minutes before the origin: this one catches up,
        // so a 5-minute slot is due at once (a first leader ever would back-fill nothing).
        java.time.Instant origin = java.time.Instant.now();
        redis.commands().set("scheduler:last_tick", origin.minus(Duration.ofMinutes(9)).toString());
        try (ChildJvm all = ChildJvm.start(Switchboard.class.getName(), Map.of("REDIS_URL", redis.url(),
                "DATABASE_URL", postgres.databaseUrl(), "PORT", Integer.toString(port), "SCHEDULER_TICK", "1s",
                "SCHEDULER_TIME_SCALE", "60", "SCHEDULER_TIME_ORIGIN", origin.toString(), "SCHEDULER_CATCHUP", "60m"))) {
            all.awaitOutput("api role listening", Duration.ofSeconds(60));
            Thread.sleep(Duration.ofSeconds(20));
            List<String> failed = new ArrayList<>();
            long finished = 0;
            for (String queue : QUEUES) {
                for (String id : redis.commands().zrange("rq:failed:" + queue, 0, -1)) {
                    failed.add(id + ": " + redis.commands().hget("rq:job:" + id, "exc_info"));
                }
                finished += redis.commands().zcard("rq:finished:" + queue);
            }
            assertEquals(List.of(), failed, "no job failed (and none as an unknown job)");
            assertTrue(redis.commands().zrange("rq:finished:maintenance", 0, -1).stream()
                            .anyMatch(id -> id.startsWith("whatsapp_sessions_cleanup_job@")),
                    "the sessions cleanup ran; finished jobs: " + finished + "\n" + all.output());
            assertTrue(redis.commands().zrange("rq:finished:default", 0, -1).stream()
                            .filter(id -> id.startsWith("reminders_tick_job@")).count() >= 5,
                    "the reminders tick ran every schedule-minute");
            assertTrue(redis.commands().zrange("rq:finished:low", 0, -1).stream()
                            .anyMatch(id -> id.startsWith("warmup_agents_job@")), "the agents' warm-up ran");
            assertTrue(!all.output().contains("no handler yet"), "every periodic job has a handler now: " + all.output());
        }
    }
}
