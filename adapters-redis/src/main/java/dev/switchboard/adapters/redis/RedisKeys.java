package dev.switchboard.adapters.redis;

import java.util.List;
import java.util.function.Function;

/**
 * Every Redis key Switchboard reads or writes. python-rq's layout (docs/redis-keys.md)
 * for jobs, queues and registries, so rq's own tools and {@code redis-cli LLEN rq:queue:default}
 * see Switchboard's jobs; {@code switchboard:} keys for what rq has no place for.
 */
public final class RedisKeys {
    public static final String QUEUES = "rq:queues";
    public static final String JOB_PREFIX = "rq:job:";
    /** The generated secret that keys deduplicated jobs' ids when JOB_ID_SECRET is not set. */
    public static final String JOB_ID_SECRET = "switchboard:job_id_secret";

    private RedisKeys() {
    }

    public static String queue(String queue) {
        return "rq:queue:" + queue;
    }

    public static String job(String jobId) {
        return JOB_PREFIX + jobId;
    }

    public static String results(String jobId) {
        return "rq:results:" + jobId;
    }

    /** python-rq's StartedJobRegistry; here the score is the lease deadline. */
    public static String started(String queue) {
        return "rq:wip:" + queue;
    }

    public static String finished(String queue) {
        return "rq:finished:" + queue;
    }

    public static String failed(String queue) {
        return "rq:failed:" + queue;
    }

    public static String scheduled(String queue) {
        return "rq:scheduled:" + queue;
    }

    public static String canceled(String queue) {
        return "rq:canceled:" + queue;
    }

    /** python-rq's worker registry: the set of all worker keys. */
    public static final String WORKERS = "rq:workers";

    public static String worker(String workerName) {
        return "rq:worker:" + workerName;
    }

    public static String workersOf(String queue) {
        return "rq:workers:" + queue;
    }

    /** The job ids of one bulk run of one business (cancel-by-run). */
    public static String run(String businessId, String runId) {
        return "switchboard:run:" + part(businessId) + ":" + part(runId);
    }

    /**
     * The per-business job index: the ids of one business's jobs in one queue and state
     * ({@code queued}, {@code started}, {@code scheduled}, {@code finished}, {@code failed},
     * {@code canceled}), a ZSET kept by every job script (lib/common.lua builds the same name), so
     * that a business's listing reads its page instead of the whole registry.
     */
    public static String jobIndex(String businessId, String queue, String state) {
        return "switchboard:jobs:" + part(businessId) + ":" + part(queue) + ":" + state;
    }

    /** A business's enqueue token bucket (rate limit). */
    public static String rate(String businessId) {
        return "switchboard:rate:" + part(businessId);
    }

    /** A business's broadcast send pace (BROADCAST_RATE): a token bucket of one message. */
    public static String broadcastPace(String businessId) {
        return "switchboard:pace:broadcast:" + part(businessId);
    }

    /** Wake-up tokens that let idle workers block instead of polling. */
    public static String wake(String queue) {
        return "switchboard:wake:" + queue;
    }

    /** A dedupe key: holds the id of the job it was taken for, until it expires. */
    public static String dedupe(String dedupeKey) {
        return "job_lock:" + dedupeKey;
    }

    /**
     * The keys of a multi-queue script: for each queue in order, one key of each kind, e.g.
     * {@code perQueue(queues, RedisKeys::queue, RedisKeys::started)} gives queue1, started1, queue2, ...
     */
    @SafeVarargs
    static String[] perQueue(List<String> queues, Function<String, String>... kinds) {
        String[] keys = new String[queues.size() * kinds.length];
        int k = 0;
        for (String queue : queues) {
            for (Function<String, String> kind : kinds) {
                keys[k++] = kind.apply(queue);
            }
        }
        return keys;
    }

    /** Escapes ':' (and '%') so that free-text parts cannot run into each other. */
    static String part(String value) {
        return value.replace("%", "%25").replace(":", "%3A");
    }

    /**
     * The batch one claim took, kept one lease long, so that a repeat of the claim (its reply was
     * lost) returns that batch instead of taking another.
     */
    public static String claim(String claimId) {
        return "switchboard:claim:" + part(claimId);
    }

    /** One job name's attempt statistics: duration histogram ({@code le_<ms>}, {@code le_inf}) and {@code failed}. */
    public static String stats(String jobName) {
        return "switchboard:stats:job:" + part(jobName);
    }

    /**
     * One job name's attempts settled per second within one minute ({@code p:<unix second>},
     * {@code f:<unix second>}); written by the settling scripts, which build it as
     * {@code stats(jobName) + ":" + minute}; expires an hour after its minute.
     */
    public static String statsMinute(String jobName, long unixMinute) {
        return stats(jobName) + ":" + unixMinute;
    }

    /**
     * The stats keys of every job name that settled an attempt (SET), so readers find names only a
     * worker knows; the settling scripts add to it (lib/common.lua names it too).
     */
    public static final String STATS_JOBS = "switchboard:stats:jobs";

    /** The job name of a {@link #stats} key. */
    static String jobNameOfStats(String statsKey) {
        return unpart(statsKey.substring("switchboard:stats:job:".length()));
    }

    static String unpart(String value) {
        return value.replace("%3A", ":").replace("%25", "%");
    }

    /** Attempts settled per second, all jobs: {@code p:<unix second>}, {@code f:<unix second>}; one hour kept. */
    public static final String STATS_TIMELINE = "switchboard:stats:timeline";

    /** The scheduler's leader lease: holds the owner id of the process that leads, with a TTL. */
    public static String schedulerLock() {
        return "scheduler:global_lock";
    }

    /** The scheduler's last completed leader tick (ISO-8601 instant): where the next leader resumes. */
    public static String schedulerLastTick() {
        return "scheduler:last_tick";
    }

    /**
     * The VAPID key pair generated when none is configured (JSON {@code {"public","private"}},
     * no TTL): Web Push subscriptions are bound to its public key (docs/push.md).
     */
    public static String vapidKeys() {
        return "switchboard:vapid_keys";
    }

    /**
     * The voice agent's prompt of a business ({@code scope} {@code _}) or of one call of it
     * ({@code call:<call sid>}), JSON with a TTL ({@code RedisPromptCache}).
     */
    public static String prompt(String businessId, String scope) {
        return "switchboard:prompt:" + part(businessId) + ":" + scope;
    }

    /** The {@link #prompt} scope of a business's own prompt. */
    public static final String PROMPT_OF_BUSINESS = "_";

    /** The {@link #prompt} scope of one call's prompt. */
    public static String promptOfCall(String callSid) {
        return "call:" + part(callSid);
    }

    /**
     * A call some calls process is serving now (value: the process's marker), with a TTL the
     * process keeps renewing; gone a TTL after the process stopped ({@code RedisLiveCalls}).
     */
    public static String liveCall(String businessId, String callSid) {
        return "switchboard:call:live:" + part(businessId) + ":" + part(callSid);
    }
}
