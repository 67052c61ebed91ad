package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;

import java.util.function.Supplier;

/** Maps Lettuce's failures to the ports' exception, in one place. */
final class RedisFailures {
    private RedisFailures() {
    }

    static <T> T guard(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisCommandExecutionException e) {
            // Redis answered with an error: a bug or a misconfigured server, not an outage.
            throw new IllegalStateException("Redis refused " + operation + ": " + e.getMessage(), e);
        } catch (RedisException e) {
            throw new JobStoreUnavailableException("Redis unavailable during " + operation, e);
        }
    }
}
