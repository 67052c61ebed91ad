package dev.switchboard.roles.scheduler;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLeaseLock;
import dev.switchboard.adapters.redis.RedisSchedulerTicks;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.domain.PeriodicScheduler;
import dev.switchboard.domain.ScheduleEvents;
import dev.switchboard.domain.ScheduleOutcome;
import dev.switchboard.domain.ScheduleWindow;
import dev.switchboard.domain.Slot;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One scheduler cycle at a time, in this JVM, on a real Redis and a clock the test moves: the
 * lease, the slots, catch-up and the lease lost mid-cycle. (Real processes and kills:
 * {@link SchedulerFailoverTest}, {@link SchedulerKillLoopTest}.)
 */
class PeriodicSchedulerTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final Instant NOW = Instant.parse("2026-11-22T22:41:15Z");
    private static final Duration CATCH_UP = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(NOW);
    private final List<RedisConnections> connections = new ArrayList<>();

    /** Where a previous leader left the schedule: ten minutes ago, the catch-up window's start. */
    private static final String PREVIOUS_TICK = "2026-11-22T22:31:15Z";

    @BeforeEach
    void freshClockAndAPreviousLeadersTick() {
        clock.set(NOW);
        redis.commands().set("scheduler:last_tick", PREVIOUS_TICK);
    }

    @AfterEach
    void close() {
        connections.forEach(RedisConnections::close);
    }

    /**
     * The scheduler's mechanics over the first four rows of the table (the minute tick, the
     * 5-minute cleanup, the two dailies), whose slot counts these tests spell out; the rows added
     * since follow the same rules (ScheduleWindowTest, SchedulerKillLoopTest).
     */
    private static final java.util.List<dev.switchboard.domain.PeriodicJob> TABLE =
            PeriodicJobs.table(ZoneId.of("Europe/Helsinki")).subList(0, 4);

    private PeriodicScheduler scheduler(String owner, Duration leaseTtl, ScheduleEvents events) {
        RedisConnections redisConnections = RedisConnections.connect(redis.url());
        connections.add(redisConnections);
        return new PeriodicScheduler(
                new PeriodicScheduler.Config(owner, leaseTtl, CATCH_UP, TABLE),
                clock, RedisLeaseLock.scheduler(redisConnections), new RedisSchedulerTicks(redisConnections),
                new RedisJobQueue(redisConnections, java.time.Clock.systemUTC()), events);
    }

    private PeriodicScheduler scheduler(String owner) {
        return scheduler(owner, Duration.ofSeconds(45), ScheduleEvents.NONE);
    }

    private static List<String> queue(String name) {
        return redis.commands().lrange("rq:queue:" + name, 0, -1);
    }

    private static List<String> minuteJobs(String... hhmm) {
        return java.util.Arrays.stream(hhmm).map(t -> "reminders_tick_job@2026-11-22T" + t + "Z").toList();
    }

    @Test
    void theFirstLeaderEverBackFillsNothingAndStartsFromItsFirstTick() {
        redis.commands().del("scheduler:last_tick"); // a new Redis: no leader ever ran
        PeriodicScheduler scheduler = scheduler("host.1.aaaa");

        ScheduleOutcome.Led first = assertInstanceOf(ScheduleOutcome.Led.class, scheduler.tick());

        assertEquals(List.of(), first.created(), "no slot before the first tick is back-filled");
        assertEquals(0, redis.commands().keys("rq:job:*").size());
        assertEquals(NOW.toString(), redis.commands().get("scheduler:last_tick"), "the first tick is recorded");
        clock.set(Instant.parse("2026-11-22T22:42:01Z"));
        ScheduleOutcome.Led next = assertInstanceOf(ScheduleOutcome.Led.class, scheduler.tick());
        assertEquals(List.of("reminders_tick_job@2026-11-22T22:42Z"), next.created(), "from then on every slot is due");
    }

    @Test
    void aLeaderEnqueuesWhatBecameDueSinceTheLastTickWithSlotIdsAsDedupeKeysAndRecordsItsTick() {
        ScheduleOutcome outcome = scheduler("host.1.aaaa").tick();

        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class, outcome);
        assertTrue(led.completed());
        assertEquals(12, led.created().size(), led.created().toString());
        assertEquals(minuteJobs("2232", "2233", "2234", "2235", "2236", "2237", "2238", "2239", "2240", "2241"),
                queue("default"));
        assertEquals(List.of("whatsapp_sessions_cleanup_job@2026-11-22T2235Z", "whatsapp_sessions_cleanup_job@2026-11-22T2240Z"),
                queue("maintenance"));
        assertEquals("reminders_tick_job@2026-11-22T2241Z", redis.commands().get("job_lock:reminders_tick_job@2026-11-22T22:41Z"));
        long dedupeTtl = redis.commands().pttl("job_lock:reminders_tick_job@2026-11-22T22:41Z");
        assertTrue(dedupeTtl > CATCH_UP.toMillis(), "the dedupe key outlives the catch-up window: " + dedupeTtl);
        Map<String, String> job = redis.commands().hgetall("rq:job:reminders_tick_job@2026-11-22T2241Z");
        assertEquals("queued", job.get("status"));
        assertEquals(PeriodicJobs.SYSTEM_BUSINESS, job.get("business_id"));
        assertEquals("reminders_tick_job@2026-11-22T22:41Z", job.get("trace_id"));
        assertEquals("2026-11-22T22:41:15Z", redis.commands().get("scheduler:last_tick"));
        assertEquals("host.1.aaaa", redis.commands().get("scheduler:global_lock"));
    }

    @Test
    void laterTicksEnqueueOnlyTheSlotsThatBecameDue() {
        PeriodicScheduler scheduler = scheduler("host.1.aaaa");
        scheduler.tick();

        clock.advance(Duration.ofSeconds(15));
        ScheduleOutcome.Led sameMinute = assertInstanceOf(ScheduleOutcome.Led.class, scheduler.tick());
        clock.set(Instant.parse("2026-11-22T22:45:02Z"));
        ScheduleOutcome.Led later = assertInstanceOf(ScheduleOutcome.Led.class, scheduler.tick());

        assertEquals(List.of(), sameMinute.created());
        assertEquals(List.of("reminders_tick_job@2026-11-22T22:42Z", "reminders_tick_job@2026-11-22T22:43Z",
                "reminders_tick_job@2026-11-22T22:44Z", "reminders_tick_job@2026-11-22T22:45Z",
                "whatsapp_sessions_cleanup_job@2026-11-22T22:45Z"), later.created());
        assertEquals(List.of(), later.duplicates());
    }

    @Test
    void aStandbyEnqueuesNothingAndNamesTheHolder() {
        scheduler("host.1.aaaa").tick();
        long queued = queue("default").size();

        ScheduleOutcome outcome = scheduler("host.2.bbbb").tick();

        assertEquals(new ScheduleOutcome.StoodBy(1, "host.1.aaaa"), outcome);
        assertEquals(queued, queue("default").size());
    }

    @Test
    void aNewLeaderResumesAtTheLastTickAfterTheOldLeasesExpiry() throws InterruptedException {
        scheduler("host.1.aaaa", Duration.ofMillis(150), ScheduleEvents.NONE).tick();
        PeriodicScheduler standby = scheduler("host.2.bbbb");
        assertInstanceOf(ScheduleOutcome.StoodBy.class, standby.tick());

        Thread.sleep(300); // the leader crashed: nobody renews, the lease expires
        clock.set(Instant.parse("2026-11-22T22:43:30Z"));
        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class, standby.tick());

        assertEquals(new ScheduleWindow(NOW, clock.instant()), led.window(), "resumes at the last tick, skipping nothing");
        assertEquals(List.of("reminders_tick_job@2026-11-22T22:42Z", "reminders_tick_job@2026-11-22T22:43Z"), led.created());
        assertEquals(List.of(), led.duplicates(), "nothing the old leader finished is attempted again");
        assertEquals("host.2.bbbb", redis.commands().get("scheduler:global_lock"));
    }

    @Test
    void slotsALeaderEnqueuedBeforeCrashingMidCycleAreFoldedByTheNextLeader() throws InterruptedException {
        // The leader "dies" after its second enqueue of the cycle: the exception stands for the
        // process vanishing there, before it could record its tick.
        class Crash extends RuntimeException {
        }
        List<String> enqueuedBeforeCrash = new ArrayList<>();
        ScheduleEvents crashAfterTwo = new ScheduleEvents() {
            @Override
            public void enqueued(long cycle, Slot slot, EnqueueResult result) {
                enqueuedBeforeCrash.add(slot.id());
                if (enqueuedBeforeCrash.size() == 2) {
                    throw new Crash();
                }
            }
        };
        assertThrows(Crash.class, () -> scheduler("host.1.aaaa", Duration.ofMillis(150), crashAfterTwo).tick());
        assertEquals("2026-11-22T22:32:00Z", redis.commands().get("scheduler:last_tick"),
                "progress up to the last slot finished before the one in flight");

        Thread.sleep(300);
        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class, scheduler("host.2.bbbb").tick());

        assertEquals(List.of("reminders_tick_job@2026-11-22T22:33Z"), led.duplicates(),
                "the successor repeats only the slot that was in flight, and the dedupe key folds it");
        assertEquals(10, led.created().size());
        assertEquals(10, queue("default").size(), "each minute once");
        assertEquals(2, queue("maintenance").size());
    }

    @Test
    void aLeaderThatLosesTheLeaseMidCycleStopsEnqueuingAndRecordsNoTick() {
        List<String> lost = new ArrayList<>();
        ScheduleEvents stolenAfterFirst = new ScheduleEvents() {
            @Override
            public void enqueued(long cycle, Slot slot, EnqueueResult result) {
                // Another process takes over right now (this one's lease expired during a pause).
                redis.commands().set("scheduler:global_lock", "host.2.bbbb");
            }

            @Override
            public void leaseLost(long cycle, int slotsLeft) {
                lost.add(cycle + ":" + slotsLeft);
            }
        };

        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class,
                scheduler("host.1.aaaa", Duration.ofSeconds(45), stolenAfterFirst).tick());

        assertFalse(led.completed());
        assertEquals(List.of("reminders_tick_job@2026-11-22T22:32Z"), led.created());
        assertEquals(List.of("1:11"), lost, "cycle 1 stopped with 11 slots left");
        assertEquals(1, queue("default").size() + queue("maintenance").size());
        assertEquals("2026-11-22T22:31:15Z", redis.commands().get("scheduler:last_tick"),
                "a deposed leader's record stays where it was when the lease was taken from it");
        assertEquals("host.2.bbbb", redis.commands().get("scheduler:global_lock"));
    }

    @Test
    void aStoppedSchedulerEndsItsCycleBeforeTheNextEnqueueAndTheNextLeaderFinishesIt() {
        List<String> stopped = new ArrayList<>();
        PeriodicScheduler[] self = new PeriodicScheduler[1];
        ScheduleEvents sigtermAfterFirst = new ScheduleEvents() {
            @Override
            public void enqueued(long cycle, Slot slot, EnqueueResult result) {
                self[0].stop(); // SIGTERM arrives while the cycle is under way
            }

            @Override
            public void stopped(long cycle, int slotsLeft) {
                stopped.add(cycle + ":" + slotsLeft);
            }
        };
        self[0] = scheduler("host.1.aaaa", Duration.ofSeconds(45), sigtermAfterFirst);

        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class, self[0].tick());

        assertFalse(led.completed());
        assertEquals(1, led.created().size());
        assertEquals(List.of("1:11"), stopped);
        assertEquals("2026-11-22T22:31:15Z", redis.commands().get("scheduler:last_tick"),
                "an unfinished cycle records no tick beyond what it finished");
        assertEquals(new ScheduleOutcome.Stopped(2), self[0].tick(), "a stopped scheduler does not even try the lease");
        assertTrue(self[0].stepDown());
        ScheduleOutcome.Led next = assertInstanceOf(ScheduleOutcome.Led.class, scheduler("host.2.bbbb").tick());
        assertEquals(led.created(), next.duplicates(), "the successor folds what was enqueued");
        assertEquals(11, next.created().size(), "and enqueues the rest");
    }

    @Test
    void occurrencesOlderThanTheCatchUpWindowAreNeverEnqueued() {
        redis.commands().set("scheduler:last_tick", "2026-11-22T19:00:00Z"); // down for almost four hours
        List<String> skipped = new ArrayList<>();
        ScheduleEvents events = new ScheduleEvents() {
            @Override
            public void skipped(long cycle, Instant lastTick, Instant resumedFrom) {
                skipped.add(lastTick + ".." + resumedFrom);
            }
        };

        ScheduleOutcome.Led led = assertInstanceOf(ScheduleOutcome.Led.class,
                scheduler("host.1.aaaa", Duration.ofSeconds(45), events).tick());

        assertEquals(new ScheduleWindow(NOW.minus(CATCH_UP), NOW), led.window());
        assertEquals("reminders_tick_job@2026-11-22T22:32Z", led.created().getFirst(), "nothing older than 22:31:15");
        assertEquals(12, led.created().size());
        assertEquals(12, redis.commands().keys("rq:job:*").size());
        assertEquals(List.of("2026-11-22T19:00:00Z..2026-11-22T22:31:15Z"), skipped, "the skipped span is reported");
    }

    @Test
    void dailyJobsAreEnqueuedAtTheBusinessZonesTimes() {
        // 03:00 and 04:00 in Helsinki (UTC+2 in November) are 01:00Z and 02:00Z.
        clock.set(Instant.parse("2026-11-23T02:00:30Z"));
        redis.commands().set("scheduler:last_tick", "2026-11-23T00:59:00Z");
        Duration longCatchUp = Duration.ofHours(2);
        RedisConnections c = RedisConnections.connect(redis.url());
        connections.add(c);
        PeriodicScheduler scheduler = new PeriodicScheduler(
                new PeriodicScheduler.Config("host.1.aaaa", Duration.ofSeconds(45), longCatchUp,
                        PeriodicJobs.table(ZoneId.of("Europe/Helsinki"))),
                clock, RedisLeaseLock.scheduler(c), new RedisSchedulerTicks(c), new RedisJobQueue(c, java.time.Clock.systemUTC()),
                ScheduleEvents.NONE);

        scheduler.tick();

        List<String> maintenance = queue("maintenance");
        assertTrue(maintenance.contains("reminders_cleanup_job@2026-11-23T0100Z"), maintenance.toString());
        assertTrue(maintenance.contains("cleanup_old_recordings_job@2026-11-23T0200Z"), maintenance.toString());
        assertEquals("3", redis.commands().hget("rq:job:cleanup_old_recordings_job@2026-11-23T0200Z", "retries_left"));
    }

    @Test
    void steppingDownFreesOnlyTheOwnLease() {
        PeriodicScheduler leader = scheduler("host.1.aaaa");
        PeriodicScheduler standby = scheduler("host.2.bbbb");
        leader.tick();

        assertFalse(standby.stepDown());
        assertEquals("host.1.aaaa", redis.commands().get("scheduler:global_lock"));
        assertTrue(leader.stepDown());
        assertNull(redis.commands().get("scheduler:global_lock"));
        assertInstanceOf(ScheduleOutcome.Led.class, standby.tick(), "the standby leads at its next tick");
    }
}
