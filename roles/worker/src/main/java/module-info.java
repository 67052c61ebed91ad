/**
 * The worker role's composition root and job runner: claims jobs from {@code RQ_QUEUES} in
 * priority order and runs them on virtual threads. One of the few places allowed to start
 * threads (with scheduler, calls and the media adapters).
 */
module switchboard.roles.worker {
    requires switchboard.roles.common;
    requires switchboard.roles.runtime;
    requires switchboard.domain;
    requires switchboard.adapters.redis;
    requires switchboard.adapters.postgres;
    requires switchboard.adapters.http;
    // recording_job: the recording from Twilio's REST API, its transcript from Google batch recognition.
    requires switchboard.adapters.media.twilio;
    requires switchboard.adapters.media.speech;
    requires java.net.http;

    exports dev.switchboard.roles.worker;
}
