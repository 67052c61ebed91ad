/**
 * The Redis adapter (Lettuce): the job queue in python-rq's key layout, and every repository.
 *
 * <p>Each multi-key state change is one Lua script under {@code scripts/}, loaded once and run
 * with EVALSHA. Every key name comes from {@code RedisKeys}. Lease, retry and registry deadlines
 * come from Redis's own clock ({@code TIME} inside the scripts), so every worker compares them
 * against one clock; an injected {@link java.time.Clock} writes only the timestamps python-rq
 * shows, and business time. This module starts no threads of its own
 * (Lettuce's I/O threads are the library's).
 */
module switchboard.adapters.redis {
    requires transitive switchboard.ports;
    requires lettuce.core;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    exports dev.switchboard.adapters.redis;
    opens dev.switchboard.adapters.redis.scripts;
}
