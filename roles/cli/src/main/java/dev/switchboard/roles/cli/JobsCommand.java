package dev.switchboard.roles.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobAdministration;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisSchedulerStatus;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.SchedulerStatus;
import dev.switchboard.ports.out.WorkerRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code switchboard jobs}: the parent of the operator's commands and their composition root. It
 * connects to {@code REDIS_URL} when a command first needs Redis and builds the Redis adapter's
 * ports from it with plain constructors, as the roles do.
 */
@Command(name = "jobs",
        subcommands = {InfoCommand.class, WorkersCommand.class, FailedCommand.class, EnqueueCommand.class,
                RequeueCommand.class, CancelCommand.class},
        description = {"Look at and act on the job system in REDIS_URL (python-rq's layout).", ""},
        footer = {"", "Exit status: 0 done; 1 nothing done (no such job, refused); 2 usage or configuration"
                + " (bad option, REDIS_URL unset or malformed); 3 Redis unreachable."})
final class JobsCommand implements Callable<Integer>, AutoCloseable {
    @Mixin
    HelpOption help;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "print one JSON document (for scripts) instead of text for people")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();
    private RedisConnections redis;

    JobsCommand(Map<String, String> env, PrintStream out) {
        this.env = Map.copyOf(env);
        this.out = out;
    }

    /** {@code jobs} alone: the list of commands, and a usage status. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return JobsCli.USAGE;
    }

    Clock clock() {
        return clock;
    }

    JobInspection inspection() {
        return new RedisJobInspection(redis(), clock);
    }

    JobAdministration administration() {
        return new RedisJobAdministration(redis(), clock);
    }

    WorkerRegistry workers() {
        return new RedisWorkerRegistry(redis(), clock);
    }

    SchedulerStatus scheduler() {
        return new RedisSchedulerStatus(redis());
    }

    /** The queue keys deduplicated jobs with {@code JOB_ID_SECRET}, as the roles do. */
    JobQueue queue() {
        return new RedisJobQueue(redis(), clock, Optional.ofNullable(env.get("JOB_ID_SECRET")).filter(s -> !s.isBlank()));
    }

    private RedisConnections redis() {
        if (redis == null) {
            String url = env.get("REDIS_URL");
            if (url == null || url.isBlank()) {
                throw new CliFailure(JobsCli.USAGE, "REDIS_URL is not set: point it at the Redis the roles use,"
                        + " e.g. REDIS_URL=redis://host:6379 ./switchboard jobs info");
            }
            try {
                RedisConnections.validate(url.strip());
            } catch (IllegalArgumentException e) {
                throw new CliFailure(JobsCli.USAGE, e.getMessage());
            }
            try {
                redis = RedisConnections.connect(url.strip());
            } catch (IllegalArgumentException e) {
                throw new CliFailure(JobsCli.REDIS_UNREACHABLE, e.getMessage());
            }
        }
        return redis;
    }

    /** Prints {@code document} as JSON, or {@code text} for people. */
    void print(Map<String, Object> document, String text) {
        if (json) {
            out.println(toJson(document));
        } else {
            out.println(text);
        }
        out.flush();
    }

    static String toJson(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Maps what a command threw to a line on stderr (and a JSON document with --json) and a status. */
    int fail(Exception e, PrintStream err) {
        int code;
        String message;
        if (e instanceof CliFailure failure) {
            code = failure.exitCode();
            message = failure.getMessage();
        } else if (e instanceof JobStoreUnavailableException) {
            code = JobsCli.REDIS_UNREACHABLE;
            message = e.getMessage() + " (" + (redis == null ? "Redis" : redis.describe()) + ")";
        } else {
            // A refusal from Redis that is no outage, or a bug: say so in one line, not a trace.
            code = JobsCli.NOT_DONE;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        err.println("switchboard jobs: " + message);
        err.flush();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("error", message);
            document.put("exit_code", code);
            out.println(toJson(document));
            out.flush();
        }
        return code;
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
