package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.SchedulerTicks;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@link SchedulerTicks} on {@code scheduler:last_tick}, an ISO-8601 instant that
 * {@code redis-cli GET} shows as it is. Written only by the holder of
 * {@code scheduler:global_lock}, checked (and the lease extended) in the same Lua call.
 */
public final class RedisSchedulerTicks implements SchedulerTicks {
    private static final Logger LOG = Logger.getLogger(RedisSchedulerTicks.class.getName());

    private final RedisConnections redis;
    private final RedisScripts scripts;

    public RedisSchedulerTicks(RedisConnections redis) {
        this.redis = redis;
        this.scripts = redis.scripts();
    }

    @Override
    public Optional<Instant> lastTick() {
        byte[] value = RedisFailures.guard("read last tick",
                () -> redis.commands().get(RedisKeys.schedulerLastTick()));
        return parse(RqFormat.text(value));
    }

    @Override
    public boolean recordTick(String leaseOwner, Duration leaseTtl, Instant tick) {
        Long recorded = RedisFailures.guard("record tick", () -> scripts.run("recordTick-2", ScriptOutputType.INTEGER,
                new String[] {RedisKeys.schedulerLock(), RedisKeys.schedulerLastTick()},
                RqFormat.utf8(leaseOwner), RedisLeaseLock.millis(leaseTtl),
                RqFormat.utf8(DateTimeFormatter.ISO_INSTANT.format(tick))));
        return recorded == 1L;
    }

    /**
     * An unreadable value (written by hand) counts as no tick: the next leader then reaches back
     * the whole catch-up window and dedupe folds what was already enqueued.
     */
    static Optional<Instant> parse(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            LOG.warning(RedisKeys.schedulerLastTick() + " holds no ISO-8601 instant; treating it as unset");
            return Optional.empty();
        }
    }
}
