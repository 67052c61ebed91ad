package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.RegisteredWorker;
import dev.switchboard.ports.out.WorkerRegistry;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link WorkerRegistry} in python-rq's layout ({@code rq:worker:<name>}, {@code rq:workers},
 * {@code rq:workers:<q>}), so {@code rq info} lists Switchboard's workers. A worker that dies
 * without unregistering disappears when its registration expires.
 */
public final class RedisWorkerRegistry implements WorkerRegistry {
    /** Heartbeats refresh it every second or so; a dead worker vanishes after this. */
    static final long REGISTRATION_TTL_SECONDS = 60;
    static final String VERSION = "switchboard-0.1.0";

    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisWorkerRegistry(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void register(String workerName, List<String> queues, long pid, String hostname) {
        String now = RqFormat.timestamp(clock.instant());
        List<byte[]> args = new ArrayList<>();
        args.add(RqFormat.utf8(Long.toString(REGISTRATION_TTL_SECONDS)));
        for (String[] field : new String[][] {
                {"birth", now}, {"last_heartbeat", now}, {"queues", String.join(",", queues)},
                {"pid", Long.toString(pid)}, {"hostname", hostname}, {"ip_address", hostname},
                {"version", VERSION}, {"python_version", "Java " + Runtime.version()},
                {"state", "idle"}, {"successful_job_count", "0"}, {"failed_job_count", "0"},
                {"total_working_time", "0"}}) {
            args.add(RqFormat.utf8(field[0]));
            args.add(RqFormat.utf8(field[1]));
        }
        RedisFailures.guard("register worker", () -> scripts.run("registerWorker-2", ScriptOutputType.INTEGER,
                workerKeys(workerName, queues), args.toArray(byte[][]::new)));
    }

    @Override
    public boolean heartbeat(String workerName, Optional<String> currentJob) {
        return beat(workerName, currentJob, new String[0][]);
    }

    @Override
    public boolean heartbeat(String workerName, Optional<String> currentJob, long succeeded, long failed,
                             double workingSeconds) {
        return beat(workerName, currentJob, new String[][] {{"successful_job_count", Long.toString(succeeded)},
                {"failed_job_count", Long.toString(failed)}, {"total_working_time", Double.toString(workingSeconds)}});
    }

    private boolean beat(String workerName, Optional<String> currentJob, String[][] totals) {
        List<byte[]> args = new ArrayList<>();
        args.add(RqFormat.utf8(Long.toString(REGISTRATION_TTL_SECONDS)));
        List<String[]> fields = new ArrayList<>(List.of(new String[][] {
                {"last_heartbeat", RqFormat.timestamp(clock.instant())},
                {"state", currentJob.isPresent() ? "busy" : "idle"}, {"current_job", currentJob.orElse("")}}));
        fields.addAll(List.of(totals));
        for (String[] field : fields) {
            args.add(RqFormat.utf8(field[0]));
            args.add(RqFormat.utf8(field[1]));
        }
        Long code = RedisFailures.guard("worker heartbeat", () -> scripts.run("workerHeartbeat-1",
                ScriptOutputType.INTEGER, new String[] {RedisKeys.worker(workerName)}, args.toArray(byte[][]::new)));
        return code != null && code == 1;
    }

    @Override
    public void recordOutcome(String workerName, boolean succeeded, double workingSeconds) {
        String key = RedisKeys.worker(workerName);
        RedisFailures.guard("worker outcome", () -> {
            var commands = redis.commands();
            commands.hincrby(key, succeeded ? "successful_job_count" : "failed_job_count", 1);
            return commands.hincrbyfloat(key, "total_working_time", workingSeconds);
        });
    }

    @Override
    public void unregister(String workerName, List<String> queues) {
        RedisFailures.guard("unregister worker", () -> scripts.run("unregisterWorker-2", ScriptOutputType.INTEGER,
                workerKeys(workerName, queues), RqFormat.utf8(RqFormat.timestamp(clock.instant()))));
    }

    /**
     * Reads {@code rq:workers} and each member's hash; a member whose hash has expired (a worker
     * that died) is skipped, as {@code rq info} skips it.
     */
    @Override
    public List<RegisteredWorker> workers() {
        return RedisFailures.guard("list workers", () -> {
            var commands = redis.commands();
            List<RegisteredWorker> workers = new ArrayList<>();
            for (byte[] member : commands.smembers(RedisKeys.WORKERS)) {
                String key = RqFormat.text(member);
                if (!key.startsWith(RedisKeys.worker(""))) {
                    continue;
                }
                Map<String, byte[]> hash = commands.hgetall(key);
                if (hash.isEmpty()) {
                    continue;
                }
                workers.add(worker(key.substring(RedisKeys.worker("").length()), hash));
            }
            workers.sort(Comparator.comparing(RegisteredWorker::name));
            return workers;
        });
    }

    private static RegisteredWorker worker(String name, Map<String, byte[]> hash) {
        String queues = field(hash, "queues");
        String currentJob = field(hash, "current_job");
        return new RegisteredWorker(name,
                queues.isEmpty() ? List.of() : Arrays.stream(queues.split(",")).map(String::strip).toList(),
                field(hash, "state"), currentJob.isEmpty() ? Optional.empty() : Optional.of(currentJob),
                (long) number(field(hash, "pid")), field(hash, "hostname"),
                RedisJobViews.parseTime(field(hash, "birth")), RedisJobViews.parseTime(field(hash, "last_heartbeat")),
                (long) number(field(hash, "successful_job_count")), (long) number(field(hash, "failed_job_count")),
                number(field(hash, "total_working_time")));
    }

    private static String field(Map<String, byte[]> hash, String name) {
        byte[] value = hash.get(name);
        return value == null ? "" : RqFormat.text(value);
    }

    /** A number another rq version may have written oddly reads as 0, not as a failed listing. */
    private static double number(String value) {
        try {
            return value.isEmpty() ? 0 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String[] workerKeys(String workerName, List<String> queues) {
        String[] keys = new String[2 + queues.size()];
        keys[0] = RedisKeys.worker(workerName);
        keys[1] = RedisKeys.WORKERS;
        for (int i = 0; i < queues.size(); i++) {
            keys[2 + i] = RedisKeys.workersOf(queues.get(i));
        }
        return keys;
    }
}
