package dev.switchboard.roles.scheduler;

import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly once per slot, proven by killing leaders: scheduler processes on one Redis, the leader
 * killed over and over (SIGTERM or {@code kill -9}, at random points of its cycle), a fresh
 * standby started for each one killed. Afterwards Redis must hold every slot of every periodic
 * job exactly once between the first and the last tick: no gap, no duplicate.
 *
 * <p>Time: the schedule runs {@value #SCALE} times faster (an hour a second: about 2500 minute
 * slots and 500 five-minute slots in a run), every process scaled from the same origin so they
 * agree on the schedule, as real schedulers reading one wall clock do. The business zone is a
 * fixed offset chosen so that 03:00 local falls half an hour (of schedule time) after the start,
 * so the run crosses both daily jobs' times at least twice. The lease and the tick are real time
 * (fast: 200 ms tick, 1 s lease). The catch-up window (720 h of schedule time, twelve minutes of
 * real time; 720 h since the call sweep and Gmail doubled the slots and runs on a busy machine took
 * over 200 s, longer than 72 h of schedule) is wider than any takeover and than the whole run, so every missed slot must be
 * caught up, even when a loaded machine makes the leaders lag; the window's own bound is tested
 * in {@link PeriodicSchedulerTest}.
 *
 * <p>Why not faster: on two cores, with a fresh JVM starting for every kill, a leader enqueues
 * one or two hundred slots a second; at 7200x the schedule outran the leaders by more than a
 * 24 h catch-up window, and the slots older than the window were (rightly) skipped.
 *
 * <p>Duplicates are counted on the Redis side: every new job is one {@code RPUSH} of its id onto
 * its queue (the enqueue script), so a queue list holding an id twice would be a duplicate
 * enqueue even though the ids are deterministic. Nothing consumes the queues during the test.
 */
class SchedulerKillLoopTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static final int KILLS = 50;
    private static final long SCALE = 3600;
    /** One leader and three standbys: a replacement JVM has three kills' time to start. */
    private static final int POOL = 4;
    private static final long SEED = 20261122L;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DateTimeFormatter JOB_ID_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final List<SchedulerProcess> live = new ArrayList<>();
    private final List<SchedulerProcess> everyProcess = new ArrayList<>();
    private Map<String, String> settings;

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void fiftyLeaderKillsYieldEverySlotOfEveryPeriodicJobExactlyOnce() {
        long started = System.nanoTime();
        Instant origin = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // The first leader resumes exactly here (the catch-up window reaches further back).
        redis.commands().set("scheduler:last_tick", origin.toString());
        long firstDailySecondOfDay = Math.floorMod(
                origin.plus(Duration.ofMinutes(31)).truncatedTo(ChronoUnit.MINUTES).getEpochSecond(), 86_400);
        ZoneOffset zone = threeAmAt(firstDailySecondOfDay);
        settings = Map.of("SCHEDULER_TICK", "200ms", "SCHEDULER_LEASE_TTL", "1s", "SCHEDULER_CATCHUP", "720h",
                "SCHEDULER_ZONE", zone.getId(), "SCHEDULER_TIME_SCALE", Long.toString(SCALE),
                "SCHEDULER_TIME_ORIGIN", origin.toString());
        Random random = new Random(SEED);
        List<Boolean> sigterm = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            sigterm.add(i % 2 == 0);
        }
        java.util.Collections.shuffle(sigterm, random);
        int sigterms = 0;
        int kill9s = 0;
        List<Long> sigtermTakeovers = new ArrayList<>();
        List<Long> kill9Takeovers = new ArrayList<>();
        long standbyWaitNanos = 0;
        try {
            for (int i = 0; i < POOL; i++) {
                startOne();
            }
            String leader = awaitLeaderOtherThan(null);
            for (int kill = 0; kill < KILLS; kill++) {
                long waitStart = System.nanoTime();
                awaitReadyStandbyBesides(processOf(leader));
                standbyWaitNanos += System.nanoTime() - waitStart;
                // Anywhere from before the new leader's first enqueue to a few cycles later: the
                // first cycle of a leader is its catch-up, the likeliest place for a gap.
                sleep(random.nextInt(200));
                leader = currentLeader(leader);
                SchedulerProcess victim = processOf(leader);
                long killed = System.nanoTime();
                if (sigterm.get(kill)) {
                    victim.jvm.terminate();
                    sigterms++;
                } else {
                    victim.jvm.kill9();
                    kill9s++;
                }
                live.remove(victim);
                startOne();
                leader = awaitLeaderOtherThan(leader);
                (sigterm.get(kill) ? sigtermTakeovers : kill9Takeovers).add((System.nanoTime() - killed) / 1_000_000);
            }
            awaitCompletedCycle(leader);
            stopAllLeaderLast(currentLeader(leader));

            Instant lastTick = Instant.parse(redis.commands().get("scheduler:last_tick"));
            Map<String, Set<String>> wholeTable = expectedJobIds(origin, lastTick, firstDailySecondOfDay);
            // Only the periodic jobs that have a handler are scheduled; the others must not appear at all.
            Set<String> scheduled = new HashSet<>();
            PeriodicJobs.runnable(zone).forEach(job -> scheduled.add(job.name()));
            Map<String, Set<String>> expected = new HashMap<>();
            wholeTable.forEach((job, ids) -> expected.put(job, scheduled.contains(job) ? ids : Set.of()));
            List<String> defaultQueue = redis.commands().lrange("rq:queue:default", 0, -1);
            List<String> maintenanceQueue = redis.commands().lrange("rq:queue:maintenance", 0, -1);
            List<String> lowQueue = redis.commands().lrange("rq:queue:low", 0, -1);
            Set<String> expectedIds = new TreeSet<>();
            expected.values().forEach(expectedIds::addAll);
            Set<String> actualIds = new TreeSet<>(defaultQueue);
            actualIds.addAll(maintenanceQueue);
            actualIds.addAll(lowQueue);
            Set<String> missing = new TreeSet<>(expectedIds);
            missing.removeAll(actualIds);
            // The upper edge: the last leader stopped at SIGTERM before its next enqueue, so the
            // slot group it had just enqueued may lie after the progress it recorded.
            Set<String> beyondLastTick = new TreeSet<>(actualIds);
            beyondLastTick.removeAll(expectedIds);
            Map<String, Integer> newInLogs = new HashMap<>();
            int duplicatesInLogs = 0;
            Set<String> leaders = new HashSet<>();
            for (SchedulerProcess p : everyProcess) {
                p.newSlots().forEach(slot -> newInLogs.merge(slot, 1, Integer::sum));
                duplicatesInLogs += p.duplicateSlots().size();
                if (p.jvm.output().contains("Took the leader lease")) {
                    leaders.add(p.owner());
                }
            }

            System.out.printf("""
                    kill loop: %d leader kills (%d SIGTERM, %d kill -9), %d processes, %d of them led, %d s
                      takeover after SIGTERM: avg %d ms, max %d ms; after kill -9: avg %d ms, max %d ms (tick 200 ms,
                        lease 1000 ms); waiting for a started standby: %d ms in all
                      schedule time covered: %s .. %s (x%d, zone %s)
                      slots in Redis / expected: reminders_tick_job %d/%d, whatsapp_sessions_cleanup_job %d/%d,
                        reminders_cleanup_job %d/%d, cleanup_old_recordings_job %d/%d, gmail_sync_job %d/%d,
                        finalize_abandoned_calls_job %d/%d, warmup_agents_job %d/%d
                      queue entries: default %d (distinct %d), maintenance %d (distinct %d), low %d (distinct %d);
                        missing %d;
                        after the last recorded tick (the last leader's slot in flight): %s
                      enqueue log lines: %d new (slots logged new more than once: %d), %d duplicates folded;
                        %d new jobs unlogged (enqueued by a process killed before its log line was written)
                    """,
                    KILLS, sigterms, kill9s, everyProcess.size(), leaders.size(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                    average(sigtermTakeovers), max(sigtermTakeovers), average(kill9Takeovers), max(kill9Takeovers),
                    TimeUnit.NANOSECONDS.toMillis(standbyWaitNanos), origin, lastTick, SCALE, zone,
                    count(defaultQueue, "reminders_tick_job@"), expected.get("reminders_tick_job").size(),
                    count(maintenanceQueue, "whatsapp_sessions_cleanup_job@"), expected.get("whatsapp_sessions_cleanup_job").size(),
                    count(maintenanceQueue, "reminders_cleanup_job@"), expected.get("reminders_cleanup_job").size(),
                    count(maintenanceQueue, "cleanup_old_recordings_job@"), expected.get("cleanup_old_recordings_job").size(),
                    count(lowQueue, "gmail_sync_job@"), expected.get("gmail_sync_job").size(),
                    count(maintenanceQueue, "finalize_abandoned_calls_job@"), expected.get("finalize_abandoned_calls_job").size(),
                    count(lowQueue, "warmup_agents_job@"), expected.get("warmup_agents_job").size(),
                    defaultQueue.size(), new HashSet<>(defaultQueue).size(),
                    maintenanceQueue.size(), new HashSet<>(maintenanceQueue).size(),
                    lowQueue.size(), new HashSet<>(lowQueue).size(), missing.size(), beyondLastTick,
                    newInLogs.values().stream().mapToInt(Integer::intValue).sum(),
                    newInLogs.values().stream().filter(n -> n > 1).count(), duplicatesInLogs,
                    defaultQueue.size() + maintenanceQueue.size() + lowQueue.size() - newInLogs.size());

            assertEquals(defaultQueue.size(), new HashSet<>(defaultQueue).size(), "no job enqueued twice on default");
            assertEquals(maintenanceQueue.size(), new HashSet<>(maintenanceQueue).size(),
                    "no job enqueued twice on maintenance");
            assertEquals(lowQueue.size(), new HashSet<>(lowQueue).size(), "no job enqueued twice on low");
            assertTrue(lowQueue.stream().allMatch(id -> id.startsWith("gmail_sync_job@") || id.startsWith("warmup_agents_job@")),
                    "only the Gmail sync and the agents' warm-up on low");
            assertEquals(List.of(), missing.stream().limit(20).toList(), "no slot missing (first 20 shown)");
            assertTrue(beyondLastTick.size() <= 5 && beyondLastTick.stream().map(id -> id.substring(id.indexOf('@')))
                    .distinct().count() <= 1, "nothing but one slot group after the last tick: " + beyondLastTick);
            assertTrue(defaultQueue.stream().allMatch(id -> id.startsWith("reminders_tick_job@")), "only the tick on default");
            assertTrue(maintenanceQueue.stream().noneMatch(id -> id.startsWith("reminders_tick_job@")), "no tick on maintenance");
            assertTrue(newInLogs.values().stream().allMatch(n -> n == 1), "no slot was logged as new twice");
            assertEquals(defaultQueue.size() + maintenanceQueue.size() + lowQueue.size(),
                    redis.commands().keys("job_lock:*").size(),
                    "one dedupe key per slot");
            assertTrue(!scheduled.isEmpty(), "at least one periodic job has a handler");
            assertTrue(wholeTable.get("reminders_cleanup_job").size() >= 2 && wholeTable.get("cleanup_old_recordings_job").size() >= 2,
                    "the run crossed both daily times at least twice");
        } finally {
            everyProcess.forEach(SchedulerProcess::close);
        }
    }

    private void startOne() {
        SchedulerProcess p = SchedulerProcess.start(redis.url(), settings);
        live.add(p);
        everyProcess.add(p);
    }

    private SchedulerProcess processOf(String owner) {
        return live.stream().filter(p -> owner.equals(p.owner())).findFirst()
                .orElseThrow(() -> new AssertionError("no live process owns " + owner));
    }

    /** Waits until a live process other than {@code previous} holds the lease. */
    private String awaitLeaderOtherThan(String previous) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String owner = redis.commands().get("scheduler:global_lock");
            if (owner != null && !owner.equals(previous) && live.stream().anyMatch(p -> owner.equals(p.owner()))) {
                return owner;
            }
            sleep(5);
        }
        throw new AssertionError("no new leader within " + WAIT + " (lock: "
                + redis.commands().get("scheduler:global_lock") + ")\n" + tails());
    }

    /**
     * The lease's holder now: normally still {@code expected}, but a leader starved of CPU by the
     * JVMs starting around it may have lost its lease to a standby on its own.
     */
    private String currentLeader(String expected) {
        String owner = redis.commands().get("scheduler:global_lock");
        return owner != null && live.stream().anyMatch(p -> owner.equals(p.owner())) ? owner : awaitLeaderOtherThan(expected);
    }

    /** Waits until the tick record moves while {@code leader} holds the lease (only the holder can move it). */
    private void awaitCompletedCycle(String leader) {
        String tick = redis.commands().get("scheduler:last_tick");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (tick.equals(redis.commands().get("scheduler:last_tick"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(leader + " completed no cycle within " + WAIT + "\n" + tails());
            }
            sleep(10);
        }
    }

    private void awaitReadyStandbyBesides(SchedulerProcess leader) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (live.stream().noneMatch(p -> p != leader && p.standingBy())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no standby became ready within " + WAIT + "\n" + tails());
            }
            sleep(20);
        }
    }

    /** Standbys first, so the leader's last cycle is the last one and its tick the final record. */
    private void stopAllLeaderLast(String leader) {
        SchedulerProcess last = processOf(leader);
        for (SchedulerProcess p : live) {
            if (p != last) {
                p.jvm.terminate();
            }
        }
        for (SchedulerProcess p : everyProcess) {
            if (p != last) {
                p.jvm.waitFor(WAIT);
            }
        }
        last.jvm.terminate();
        last.jvm.waitFor(WAIT);
    }

    /** The fixed-offset zone in which 03:00 is {@code secondOfDay} UTC. */
    private static ZoneOffset threeAmAt(long secondOfDay) {
        long offset = Math.floorMod(3 * 3600 - secondOfDay, 86_400);
        return ZoneOffset.ofTotalSeconds((int) (offset > 12 * 3600 ? offset - 86_400 : offset));
    }

    /**
     * The job ids every slot in {@code (after, upTo]} must have, worked out here with plain
     * arithmetic rather than with the scheduler's own code. In the test's zone 03:00 local is
     * {@code threeAm} seconds into the UTC day and 04:00 an hour later.
     */
    private static Map<String, Set<String>> expectedJobIds(Instant after, Instant upTo, long threeAm) {
        return Map.of(
                "reminders_tick_job", every("reminders_tick_job", 60, 0, after, upTo),
                "whatsapp_sessions_cleanup_job", every("whatsapp_sessions_cleanup_job", 300, 0, after, upTo),
                "reminders_cleanup_job", every("reminders_cleanup_job", 86_400, threeAm, after, upTo),
                "cleanup_old_recordings_job", every("cleanup_old_recordings_job", 86_400, (threeAm + 3600) % 86_400,
                        after, upTo),
                "gmail_sync_job", every("gmail_sync_job", 300, 0, after, upTo),
                "finalize_abandoned_calls_job", every("finalize_abandoned_calls_job", 60, 0, after, upTo),
                "warmup_agents_job", every("warmup_agents_job", 600, 0, after, upTo));
    }

    private static Set<String> every(String job, long periodSeconds, long offsetSeconds, Instant after, Instant upTo) {
        Set<String> ids = new TreeSet<>();
        long first = Math.floorDiv(after.getEpochSecond() - offsetSeconds, periodSeconds) * periodSeconds + offsetSeconds;
        for (long s = first; s <= upTo.getEpochSecond(); s += periodSeconds) {
            if (Instant.ofEpochSecond(s).isAfter(after)) {
                ids.add(job + "@" + JOB_ID_TIME.format(Instant.ofEpochSecond(s)));
            }
        }
        return ids;
    }

    private static long average(List<Long> values) {
        return Math.round(values.stream().mapToLong(Long::longValue).average().orElse(0));
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static long count(List<String> ids, String prefix) {
        return ids.stream().filter(id -> id.startsWith(prefix)).count();
    }

    private String tails() {
        StringBuilder out = new StringBuilder();
        for (SchedulerProcess p : live) {
            String log = p.jvm.output();
            out.append("--- ").append(p.owner()).append(p.jvm.isAlive() ? " (alive)" : " (exited)").append('\n')
                    .append(log, Math.max(0, log.length() - 1500), log.length()).append('\n');
        }
        return out.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
