/**
 * What every role shares: the role names, configuration read from the environment (validated,
 * with errors that say what to fix), and log setup. Starts nothing.
 */
module switchboard.roles.common {
    requires transitive java.logging;
    requires switchboard.ports;
    requires com.fasterxml.jackson.core;

    exports dev.switchboard.roles.common;
}
