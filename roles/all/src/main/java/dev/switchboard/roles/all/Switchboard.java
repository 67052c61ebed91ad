package dev.switchboard.roles.all;

import dev.switchboard.roles.api.ApiRole;
import dev.switchboard.roles.calls.CallsRole;
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

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(Bench.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        RoleLauncher.run(EnumSet.allOf(ServiceRole.class), Switchboard::start);
    }

    static Object start(RoleConfig config) {
        return switch (config.role()) {
            case API -> ApiRole.start(config);
            case WORKER -> WorkerRole.startUntilShutdown(config);
            case SCHEDULER -> SchedulerRole.startUntilShutdown(config);
            case CALLS -> CallsRole.start(config);
            case ALL -> startAll(config);
        };
    }

    /** Development only: one process, one HTTP port (api and calls routes together). */
    private static Object startAll(RoleConfig config) {
        WorkerRole.startUntilShutdown(config);
        SchedulerRole.startUntilShutdown(config);
        return ApiRole.start(config, CallsRole.httpServices());
    }
}
