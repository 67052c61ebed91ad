package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.SchedulerStatus;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link SchedulerStatus} from {@code scheduler:last_tick} and {@code scheduler:global_lock},
 * read together in one Lua call so the owner and the TTL reported belong together.
 */
public final class RedisSchedulerStatus implements SchedulerStatus {
    private final RedisScripts scripts;

    public RedisSchedulerStatus(RedisConnections redis) {
        this.scripts = redis.scripts();
    }

    @Override
    public Snapshot read() {
        List<Object> reply = RedisFailures.guard("read scheduler status", () -> scripts.run("readSchedulerStatus-2",
                ScriptOutputType.MULTI, new String[] {RedisKeys.schedulerLock(), RedisKeys.schedulerLastTick()}));
        String owner = RqFormat.text((byte[]) reply.get(1));
        long pttl = (Long) reply.get(2);
        return new Snapshot(RedisSchedulerTicks.parse(RqFormat.text((byte[]) reply.get(0))),
                owner.isEmpty() ? Optional.empty() : Optional.of(owner),
                pttl >= 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty());
    }
}
