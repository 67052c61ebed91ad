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
    // adapters.media.twilio requires these static (the api uses it without a media stack): the
    // Media Streams endpoint is this role's, so the run-time dependence is declared here.
    requires io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires java.net.http;

    exports dev.switchboard.roles.calls;
}
