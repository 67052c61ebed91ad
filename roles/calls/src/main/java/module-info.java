/**
 * The calls role's composition root: live calls (Twilio Media Streams over WebSocket, streaming
 * speech-to-text). The only role with realtime threads; every durable write is a job.
 */
module switchboard.roles.calls {
    requires switchboard.roles.common;
    requires switchboard.roles.runtime;
    requires switchboard.domain;
    requires switchboard.adapters.redis;
    requires switchboard.adapters.http;
    requires switchboard.adapters.media.twilio;
    requires switchboard.adapters.media.speech;

    requires io.helidon.webserver;
    requires java.net.http;

    exports dev.switchboard.roles.calls;
}
