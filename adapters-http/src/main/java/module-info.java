/**
 * The HTTP adapter (Helidon 4 SE): inbound routes (webhooks, health) that validate,
 * authenticate and hand over to driving ports.
 *
 * <p>Handlers never start threads and never run a job: they call a use case, which enqueues.
 * Request threads are Helidon's.
 */
module switchboard.adapters.http {
    requires transitive switchboard.ports;
    requires transitive io.helidon.webserver;
    requires com.fasterxml.jackson.databind;
    requires java.logging;
    requires java.net.http;
    requires jdk.management;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.helidon.logging.common;

    provides io.helidon.logging.common.spi.LoggingProvider with dev.switchboard.adapters.http.JulLoggingProvider;

    exports dev.switchboard.adapters.http;
}
