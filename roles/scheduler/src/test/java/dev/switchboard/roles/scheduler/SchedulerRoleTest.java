package dev.switchboard.roles.scheduler;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler role's entry point, in a real process. */
class SchedulerRoleTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void inconsistentSchedulerSettingsExitNonZeroSayingWhatToFixAndTakeNoLease() {
        try (ChildJvm process = ChildJvm.start(SchedulerRole.class.getName(), Map.of("SERVICE_ROLE", "scheduler",
                "REDIS_URL", redis.url(), "SCHEDULER_LEASE_TTL", "10s", "SCHEDULER_ZONE", "Nowhere/Atlantis"))) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)), process.output());
            assertTrue(process.output().contains("SCHEDULER_LEASE_TTL (10000 ms) must be longer than SCHEDULER_TICK (15000 ms)"),
                    process.output());
            assertTrue(process.output().contains("SCHEDULER_ZONE must be a time zone id"), process.output());
            assertNull(redis.commands().get("scheduler:global_lock"));
        }
    }
}
