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
 * EVALSHA; a NOSCRIPT answer (Redis restarted or flushed its script cache) reloads once. A script
 * whose first line is {@code -- include <name>} gets {@code scripts/lib/<name>.lua} put in front
 * of it: the job scripts share their rules (lease checks, retention, claiming) without copies.
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
        byte[] source = resource("scripts/" + script + ".lua");
        String text = new String(source, java.nio.charset.StandardCharsets.UTF_8);
        if (text.startsWith(INCLUDE)) {
            String library = text.substring(INCLUDE.length(), text.indexOf('\n')).trim();
            byte[] lib = resource("scripts/lib/" + library + ".lua");
            byte[] joined = new byte[lib.length + 1 + source.length];
            System.arraycopy(lib, 0, joined, 0, lib.length);
            joined[lib.length] = '\n';
            System.arraycopy(source, 0, joined, lib.length + 1, source.length);
            return joined;
        }
        return source;
    }

    private static final String INCLUDE = "-- include ";

    private static byte[] resource(String resource) {
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
