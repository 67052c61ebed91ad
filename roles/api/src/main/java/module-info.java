/**
 * The api role's composition root: webhooks and health over HTTP, enqueueing only.
 *
 * <p>This module must never start a thread, executor or timer, directly or through anything it
 * reaches: the architecture suite checks every class reachable from here, and a runtime census
 * checks the threads of a running api process.
 */
module switchboard.roles.api {
    requires switchboard.roles.common;
    requires switchboard.domain;
    requires switchboard.adapters.redis;
    requires switchboard.adapters.http;
    requires switchboard.adapters.postgres;
    requires switchboard.adapters.media.twilio;

    exports dev.switchboard.roles.api;
}
