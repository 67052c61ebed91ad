package dev.switchboard.roles.common;

import java.util.Set;
import java.util.function.Function;

/**
 * The shared {@code main} body: read the environment, check the role, announce, start. A bad
 * configuration (an unknown role, a malformed value, an unreachable Redis) exits with status 2
 * and one line that says what to fix.
 */
public final class RoleLauncher {
    private RoleLauncher() {
    }

    /** Must run before anything touches java.util.logging; a no-op if something already did. */
    static void useShutdownSafeLogging() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
    }

    /** Runs {@code start} when SERVICE_ROLE is {@code expected}. */
    public static void run(ServiceRole expected, Function<RoleConfig, ?> start) {
        run(Set.of(expected), config -> start.apply(config));
    }

    /** Runs {@code start} when SERVICE_ROLE is one of {@code accepted}. */
    public static void run(Set<ServiceRole> accepted, Function<RoleConfig, ?> start) {
        useShutdownSafeLogging();
        try {
            RoleConfig config = RoleConfig.fromEnvironment(System.getenv());
            if (!accepted.contains(config.role())) {
                throw new ConfigException("this entry point does not run SERVICE_ROLE=" + config.role().id());
            }
            RoleStartup.announce(config);
            start.apply(config);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(2);
        }
    }
}
