package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.LeaseAttempt;
import dev.switchboard.ports.out.LeaseLock;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link LeaseLock} on one Redis key holding the owner id with a TTL: acquire is SET NX PX, or a
 * compare-and-renew when the caller already holds it; release is a compare-and-delete; each one
 * Lua call. A crashed owner's lease simply expires.
 */
public final class RedisLeaseLock implements LeaseLock {
    private final RedisScripts scripts;
    private final String key;

    RedisLeaseLock(RedisConnections redis, String key) {
        this.scripts = redis.scripts();
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The scheduler's leader lease, {@code scheduler:global_lock}. */
    public static RedisLeaseLock scheduler(RedisConnections redis) {
        return new RedisLeaseLock(redis, RedisKeys.schedulerLock());
    }

    @Override
    public LeaseAttempt acquire(String owner, Duration ttl) {
        List<Object> reply = RedisFailures.guard("acquire lease", () -> scripts.run("acquireLease-1",
                ScriptOutputType.MULTI, new String[] {key}, RqFormat.utf8(owner), millis(ttl)));
        long code = (Long) reply.get(0);
        if (code == 1L) {
            return new LeaseAttempt.Acquired();
        }
        if (code == 2L) {
            return new LeaseAttempt.Renewed();
        }
        long pttl = (Long) reply.get(2);
        return new LeaseAttempt.HeldByOther(RqFormat.text((byte[]) reply.get(1)),
                pttl >= 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty());
    }

    @Override
    public boolean release(String owner) {
        Long released = RedisFailures.guard("release lease", () -> scripts.run("releaseLease-1",
                ScriptOutputType.INTEGER, new String[] {key}, RqFormat.utf8(owner)));
        return released == 1L;
    }

    static byte[] millis(Duration ttl) {
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("a lease TTL must be at least 1 ms, was " + ttl);
        }
        return RqFormat.utf8(Long.toString(ttl.toMillis()));
    }
}
