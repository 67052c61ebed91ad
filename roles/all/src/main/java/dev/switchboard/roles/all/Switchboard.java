package dev.switchboard.roles.all;

import dev.switchboard.roles.api.ApiRole;
import dev.switchboard.roles.calls.CallsRole;
import dev.switchboard.roles.cli.JobsCli;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;
import dev.switchboard.roles.scheduler.SchedulerRole;
import dev.switchboard.roles.worker.WorkerRole;

import java.util.EnumSet;

/**
 * {@code main} of {@code ./switchboard}: starts the role named by {@code SERVICE_ROLE}
 * ({@code api}, {@code worker}, {@code scheduler}, {@code calls}, or {@code all}, the default).
 * An unknown role exits with status 2 and names the valid ones.
 */
public final class Switchboard {
    private Switchboard() {
    }

    static final String USAGE = """
            usage: ./switchboard                 start the role named by SERVICE_ROLE (default: all)
                   ./switchboard jobs <info|workers|failed|enqueue|requeue|cancel> [--json] [options]
                                                 look at and act on the job system in REDIS_URL
                   ./switchboard bench <enqueue|process|latency|webhooks|conversation|calls> [options]
                   ./switchboard dev-gateway [--port 3100] --secret S
                                                 a WhatsApp gateway stand-in that prints what is sent
                   ./switchboard --help          print this
            SERVICE_ROLE: api, worker, scheduler, calls, or all (development only).
            Configuration is read from the environment; the README lists every variable.""";

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("jobs")) {
            System.exit(JobsCli.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(Bench.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("dev-gateway")) {
            System.exit(DevGatewayCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0) {
            if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            System.err.println("switchboard: unknown argument '" + args[0] + "' (./switchboard --help lists the commands)");
            System.exit(2);
        }
        RoleLauncher.run(EnumSet.allOf(ServiceRole.class), Switchboard::start);
    }

    static Object start(RoleConfig config) {
        return switch (config.role()) {
            case API -> ApiRole.start(config);
            case WORKER -> WorkerRole.startUntilShutdown(config);
            case SCHEDULER -> SchedulerRole.startUntilShutdown(config);
            case CALLS -> CallsRole.startUntilShutdown(config);
            case ALL -> startAll(config);
        };
    }

    /**
     * Development only: one process, one HTTP port (api and calls routes together, the media
     * stream WebSocket included). The calls role's live-call machinery starts first, without a
     * server; a port in use then stops it again and ends the process before any worker or
     * scheduler thread exists.
     */
    private static Object startAll(RoleConfig config) {
        if (config.databaseUrl().isEmpty()) {
            // The worker inside needs it: refuse before anything listens.
            throw new ConfigException("DATABASE_URL must be set for SERVICE_ROLE=all (./switchboard starts a private"
                    + " PostgreSQL when it is unset)");
        }
        CallsRole calls = CallsRole.embeddedUntilShutdown(config, System.getenv());
        ApiRole api;
        try {
            api = ApiRole.start(config, System.getenv(), calls.httpServices(), calls.routings());
        } catch (RuntimeException e) {
            calls.close();
            throw e;
        }
        WorkerRole.startUntilShutdown(config);
        SchedulerRole.startUntilShutdown(config);
        return api;
    }
}
