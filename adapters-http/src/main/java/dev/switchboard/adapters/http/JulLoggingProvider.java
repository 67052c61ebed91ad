package dev.switchboard.adapters.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of: the roles configure java.util.logging themselves
 * (one JSON line per record). Without a provider Helidon prints a plain-text line
 * ("There is no Helidon logging implementation ...") into the JSON log stream at startup.
 */
public final class JulLoggingProvider implements LoggingProvider {
    public JulLoggingProvider() {
    }

    @Override
    public void initialization() {
        // The role's Logs.configure has set up java.util.logging, or will before the first record.
    }

    @Override
    public void runTime() {
        // Nothing to reconfigure at run time.
    }
}
