package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.WorkerRegistry;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
