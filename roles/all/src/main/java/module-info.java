/**
 * The launcher: the single entry point of {@code ./switchboard}. Reads {@code SERVICE_ROLE} and
 * starts that role, or every role in one process for development ({@code all}); the
 * {@code bench} command that measures the job system; and the operator's {@code jobs} commands.
 */
module switchboard.roles.all {
    requires switchboard.roles.common;
    requires switchboard.roles.api;
    requires switchboard.roles.worker;
    requires switchboard.roles.scheduler;
    requires switchboard.roles.calls;
    requires switchboard.roles.cli;
    requires switchboard.roles.runtime;
    requires switchboard.adapters.redis;
    requires switchboard.adapters.media.twilio;
    requires switchboard.adapters.media.speech;
    requires info.picocli;
    requires java.net.http;
    requires jdk.httpserver;
    requires com.fasterxml.jackson.databind;

    exports dev.switchboard.roles.all;
    opens dev.switchboard.roles.all to info.picocli;
}
