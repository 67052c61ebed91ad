package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.RateLimiter;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link RateLimiter} as one token bucket per business in Redis, one script call per take. */
public final class RedisRateLimiter implements RateLimiter {
    private final RedisScripts scripts;
    private final int perSecond;
    private final int burst;

    /**
     * @param perSecond tokens (jobs) each business regains per second, &gt; 0
     * @param burst     the most a business may take at once (the bucket's size)
     */
    public RedisRateLimiter(RedisConnections redis, int perSecond, int burst) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.scripts = redis.scripts();
        this.perSecond = perSecond;
        this.burst = burst;
    }

    @Override
    public Optional<Duration> tryTake(String businessId, int cost) {
        List<Object> reply = RedisFailures.guard("rate limit", () -> scripts.run("takeTokens-1", ScriptOutputType.MULTI,
                new String[] {RedisKeys.rate(businessId)},
                RqFormat.utf8(Integer.toString(perSecond)), RqFormat.utf8(Integer.toString(burst)),
                RqFormat.utf8(Integer.toString(cost))));
        if ((Long) reply.get(0) == 1L) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.max(1, (Long) reply.get(1))));
    }
}
