package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.SendPacer;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@link SendPacer} as one token bucket per business in Redis ({@code takeTokens-1}, the enqueue
 * rate limit's script, on a key of its own), holding one token: a send takes it, and it refills
 * at the rate. The bucket lives in Redis, on Redis's clock, so every worker's broadcasts of one
 * business share one pace. A caller waits by sleeping until the bucket says a token is due, at
 * most as long as it asked to.
 */
public final class RedisSendPacer implements SendPacer {
    /** The highest rate accepted: beyond it the bucket (millisecond clock) cannot pace. */
    public static final double MAX_RATE = 1000;

    private final RedisScripts scripts;
    private final String rate;

    /** @param perSecond messages each business may send per second, in (0, {@link #MAX_RATE}] (1 = one a second, 0.5 = one every two) */
    public RedisSendPacer(RedisConnections redis, double perSecond) {
        if (!(perSecond > 0) || perSecond > MAX_RATE) {
            throw new IllegalArgumentException("the send rate must be above 0 and at most " + MAX_RATE + " a second");
        }
        this.scripts = redis.scripts();
        this.rate = String.format(Locale.ROOT, "%.6f", perSecond);
    }

    @Override
    public boolean await(String businessId, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            List<Object> reply = RedisFailures.guard("broadcast pace", () -> scripts.run("takeTokens-1",
                    ScriptOutputType.MULTI, new String[] {RedisKeys.broadcastPace(businessId)},
                    RqFormat.utf8(rate), RqFormat.utf8("1"), RqFormat.utf8("1")));
            if ((Long) reply.get(0) == 1L) {
                return true;
            }
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                return false;
            }
            Thread.sleep(Math.min(Math.max(1, (Long) reply.get(1)), leftMillis));
        }
    }
}
