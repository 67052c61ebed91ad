package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;

import java.util.Set;
import java.util.function.Supplier;

/** Maps Lettuce's failures to the ports' exception, in one place. */
final class RedisFailures {
    /**
     * Error replies that say "not now" rather than "never": out of memory under noeviction, a
     * script or module running too long, the dataset still loading, a replica or a master that
     * cannot take writes during failover. The sender should retry later, exactly as when Redis is
     * unreachable.
     */
    private static final Set<String> TRANSIENT = Set.of("OOM", "BUSY", "LOADING", "MASTERDOWN", "READONLY",
            "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS");

    private RedisFailures() {
    }

    static <T> T guard(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisCommandExecutionException e) {
            if (isTransient(e.getMessage())) {
                throw new JobStoreUnavailableException("Redis cannot serve " + operation + " now: "
                        + firstWord(e.getMessage()), e);
            }
            // Redis answered with another error: a bug or a misconfigured server, not an outage.
            throw new IllegalStateException("Redis refused " + operation + ": " + e.getMessage(), e);
        } catch (RedisException e) {
            // Unreachable, disconnected, or no answer within the command timeout.
            throw new JobStoreUnavailableException("Redis unavailable during " + operation, e);
        }
    }

    /**
     * Whether an error reply is one of {@link #TRANSIENT}. A script's error reply carries the
     * script's error after a prefix ({@code ERR Error running script ... OOM command not allowed}),
     * so the words of the whole message are looked at, not just the first.
     */
    static boolean isTransient(String message) {
        if (message == null) {
            return false;
        }
        if (TRANSIENT.contains(firstWord(message))) {
            return true;
        }
        return message.contains("OOM command not allowed") || message.contains("-OOM ")
                || message.contains("BUSY Redis is busy") || message.contains("LOADING Redis is loading");
    }

    private static String firstWord(String message) {
        if (message == null) {
            return "";
        }
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }
}
