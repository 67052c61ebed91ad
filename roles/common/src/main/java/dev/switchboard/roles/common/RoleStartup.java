package dev.switchboard.roles.common;

import java.util.logging.Logger;

/** What every role does first: set up logs and say what it is. */
public final class RoleStartup {
    private static final Logger LOG = Logger.getLogger("switchboard");

    private RoleStartup() {
    }

    public static void announce(RoleConfig config) {
        Logs.configure(config.logLevel(), config.jsonLogs());
        if (config.schedulersFlagSet()) {
            LOG.warning("ENABLE_SCHEDULERS is obsolete and ignored: periodic jobs run only in the scheduler role "
                    + "(SERVICE_ROLE=scheduler)");
        }
        if (config.role() == ServiceRole.ALL) {
            LOG.warning("SERVICE_ROLE=all is for development only: run api, worker, scheduler and calls "
                    + "as separate processes in production");
        }
        LOG.info("starting " + config);
    }
}
