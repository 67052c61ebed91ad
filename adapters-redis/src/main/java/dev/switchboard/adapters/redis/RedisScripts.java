package dev.switchboard.adapters.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * The Lua scripts, one per state transition, loaded with SCRIPT LOAD once and called with
 * EVALSHA; a NOSCRIPT answer (Redis restarted or flushed its script cache) reloads once.
 */
final class RedisScripts {
    private final RedisCommands<String, byte[]> redis;
    private final Map<String, byte[]> sources = new ConcurrentHashMap<>();
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    RedisScripts(RedisCommands<String, byte[]> redis) {
        this.redis = redis;
    }

    <T> T run(String script, ScriptOutputType type, String[] keys, byte[]... args) {
        String digest = digests.computeIfAbsent(script, this::load);
        try {
            return redis.evalsha(digest, type, keys, args);
        } catch (RedisNoScriptException e) {
            digests.put(script, load(script));
            return redis.evalsha(digests.get(script), type, keys, args);
        }
    }

    private String load(String script) {
        return redis.scriptLoad(sources.computeIfAbsent(script, RedisScripts::read));
    }

    private static byte[] read(String script) {
        String resource = "scripts/" + script + ".lua";
        try (InputStream in = RedisScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
