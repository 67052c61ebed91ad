package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.AttemptFailure;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobPage;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.testsupport.RedisFixture;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-business job index ({@code switchboard:jobs:<business>:<q>:<state>}): every job script
 * keeps it in step with python-rq's registries, and a business's listing reads its page only.
 */
class BusinessJobIndexTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    final RedisJobPorts ports = new RedisJobPorts(redis);

    private static final List<String> BUSINESSES = List.of("biz-1", "biz:2");
    private static final List<String> QUEUES = List.of("default", "low");
    private static final List<JobStatus> STATES = List.of(JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
            JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED);

    /**
     * A seeded random walk over every transition (enqueue, claim, complete, fail with and without a
     * retry, promote, release, lease expiry, cancel of queued, scheduled and running jobs, requeue),
     * after which each business's listing of each queue and state is exactly what a scan of the
     * registries finds for it.
     */
    @Test
    void everyTransitionKeepsTheIndexInStepWithTheRegistries() {
        Random random = new Random(20261201L);
        List<ClaimedJob> running = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int step = 0; step < 600; step++) {
            switch (random.nextInt(11)) {
                case 0, 1, 2 -> {
                    String business = BUSINESSES.get(random.nextInt(2));
                    RetryPolicy retry = switch (random.nextInt(3)) {
                        case 0 -> RetryPolicy.NONE;
                        case 1 -> RetryPolicy.of(1, Duration.ZERO);
                        default -> RetryPolicy.of(1, Duration.ofSeconds(60));
                    };
                    all.add(ports.queue().enqueue(JobRequest.of("some_job", QUEUES.get(random.nextInt(2)), Map.of(),
                            business, "t").withRetry(retry)).jobId());
                }
                case 3, 4 -> running.addAll(ports.claims().claim("w", QUEUES, Duration.ofSeconds(30), 1 + random.nextInt(2)));
                case 5 -> settle(running, random, job -> ports.claims().complete(job, Map.of("ok", 1),
                        Duration.ofMillis(3), Optional.empty()));
                case 6 -> settle(running, random, job -> ports.claims().fail(job, new AttemptFailure("boom", "",
                        random.nextInt(3) == 0, Duration.ZERO), Duration.ofMillis(3), Optional.empty()));
                case 7 -> settle(running, random, job -> {
                    if (random.nextBoolean()) {
                        ports.claims().release(job);
                    } else {
                        // The lease runs out (its worker died): the reaper takes it back.
                        redis.commands().zadd("rq:wip:" + job.queue(), 0, job.id());
                        ports.maintenance().recoverExpiredLeases(QUEUES, 3);
                    }
                });
                case 8 -> {
                    // Retries waiting out their interval fall due.
                    for (String queue : QUEUES) {
                        for (String id : redis.commands().zrange("rq:scheduled:" + queue, 0, -1)) {
                            if (random.nextBoolean()) {
                                redis.commands().zadd("rq:scheduled:" + queue, 0, id);
                            }
                        }
                    }
                    ports.maintenance().promoteDueJobs(QUEUES);
                }
                case 9 -> {
                    if (!all.isEmpty()) {
                        String id = all.get(random.nextInt(all.size()));
                        ports.administration().cancel(BusinessScope.all(), id);
                        // A running job whose cancel was requested stops when its worker sees it.
                        running.stream().filter(job -> job.id().equals(id)).findFirst().ifPresent(job -> {
                            running.remove(job);
                            ports.claims().canceled(job);
                        });
                    }
                }
                default -> {
                    if (!all.isEmpty()) {
                        ports.administration().requeue(BusinessScope.all(), all.get(random.nextInt(all.size())));
                    }
                }
            }
        }
        Map<String, Integer> seen = new TreeMap<>();
        for (String business : BUSINESSES) {
            for (String queue : QUEUES) {
                for (JobStatus state : STATES) {
                    Set<String> expected = scan(business, queue, state);
                    JobPage page = ports.inspection().list(BusinessScope.of(business), state, queue, 0, 1000);
                    Set<String> listed = new TreeSet<>(page.jobs().stream().map(JobView::id).toList());
                    assertEquals(expected, listed, business + " " + queue + " " + state.id());
                    assertEquals(expected.size(), page.total(), "total of " + business + " " + queue + " " + state.id());
                    assertEquals(expected, new TreeSet<>(redis.commands().zrange(
                            RedisKeys.jobIndex(business, queue, state.id()), 0, -1)), "no stale entry");
                    seen.merge(state.id(), expected.size(), Integer::sum);
                }
            }
        }
        System.out.println("index random walk: jobs per state " + seen);
        for (JobStatus state : STATES) {
            assertTrue(seen.get(state.id()) > 0, "the walk reached " + state.id() + ": " + seen);
        }
    }

    private static void settle(List<ClaimedJob> running, Random random, java.util.function.Consumer<ClaimedJob> how) {
        if (!running.isEmpty()) {
            how.accept(running.remove(random.nextInt(running.size())));
        }
    }

    /** What a listing must show: every job of the business in the queue list or registry, in that state. */
    private static Set<String> scan(String business, String queue, JobStatus state) {
        List<String> ids = switch (state) {
            case QUEUED -> redis.commands().lrange("rq:queue:" + queue, 0, -1);
            case STARTED -> redis.commands().zrange("rq:wip:" + queue, 0, -1);
            case SCHEDULED -> redis.commands().zrange("rq:scheduled:" + queue, 0, -1);
            case FINISHED -> redis.commands().zrange("rq:finished:" + queue, 0, -1);
            case FAILED -> redis.commands().zrange("rq:failed:" + queue, 0, -1);
            case CANCELED -> redis.commands().zrange("rq:canceled:" + queue, 0, -1);
            default -> List.of();
        };
        Set<String> out = new TreeSet<>();
        for (String id : new HashSet<>(ids)) {
            Map<String, String> job = redis.commands().hgetall("rq:job:" + id);
            if (business.equals(job.get("business_id")) && state.id().equals(job.get("status"))) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * 100,000 failed jobs of another business in the same registry: listing one business's failed
     * jobs reads its page, a few dozen commands, where a filter over the registry reads every one.
     */
    @Test
    void aBusinessListingReadsItsPageNotTheRegistry() {
        // Another business's 100k failed jobs, written as fail.lua leaves them (one script call).
        redis.commands().eval("""
                for i = 1, 100000 do
                  local id = 'other-' .. i
                  redis.call('HSET', 'rq:job:' .. id, 'status', 'failed', 'business_id', 'biz-other', 'origin', 'default')
                  redis.call('ZADD', 'rq:failed:default', 9999999999, id)
                  redis.call('ZADD', KEYS[1], 9999999999, id)
                end
                return 1""", io.lettuce.core.ScriptOutputType.INTEGER,
                RedisKeys.jobIndex("biz-other", "default", "failed"));
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.queue().enqueue(JobRequest.of("some_job", "default", Map.of(), "biz-1", "t"));
            ClaimedJob job = ports.claimOne("w", Duration.ofSeconds(30));
            ports.claims().fail(job, new AttemptFailure("boom", "", true, Duration.ZERO), Duration.ZERO, Optional.empty());
            mine.add(job.id());
        }
        ports.inspection().list(BusinessScope.of("biz-1"), JobStatus.FAILED, "default", 0, 50); // scripts loaded

        long before = commands();
        JobPage page = ports.inspection().list(BusinessScope.of("biz-1"), JobStatus.FAILED, "default", 0, 50);
        long used = commands() - before - 1; // the INFO call that measured it

        assertEquals(new TreeSet<>(mine), new TreeSet<>(page.jobs().stream().map(JobView::id).toList()));
        assertEquals(3, page.total());
        System.out.println("listing 3 failed jobs beside 100,000 of another business: " + used + " Redis commands");
        assertTrue(used < 40, used + " commands: the listing must not read the registry");
        JobPage admin = ports.inspection().list(BusinessScope.all(), JobStatus.FAILED, "default", 0, 50);
        assertEquals(100_003, admin.total(), "the operators' listing still pages the whole registry");
        // Their expiries come first (the others' hashes carry no job data: not listed).
        assertEquals(new TreeSet<>(mine), new TreeSet<>(admin.jobs().stream().map(JobView::id).toList()));
    }

    private static long commands() {
        long total = 0;
        for (String line : redis.commands().info("commandstats").split("\\r?\\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) {
                total += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
            }
        }
        return total;
    }
}
