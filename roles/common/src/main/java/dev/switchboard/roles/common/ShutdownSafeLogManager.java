package dev.switchboard.roles.common;

import java.util.logging.LogManager;

/**
 * java.util.logging's LogManager resets (removes every handler) in its own JVM shutdown hook, in
 * parallel with ours, so what a worker logs while it stops ("job returned to the front of ...")
 * would be lost. This manager ignores that reset once logging is configured; the JVM's exit
 * closes the streams anyway. Installed by {@link RoleLauncher} before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private static volatile boolean configured;

    static void markConfigured() {
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }
}
