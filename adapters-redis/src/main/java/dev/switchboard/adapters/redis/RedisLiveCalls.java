package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.LiveCalls;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link LiveCalls} as one key per call ({@link RedisKeys#liveCall}) with a TTL: a mark is a
 * {@code SET ... PX}, so marks run out on Redis's clock whatever the processes' clocks say. A
 * batch of marks (every live call of a calls process) is pipelined: one round trip.
 */
public final class RedisLiveCalls implements LiveCalls {
    private static final byte[] LIVE = RqFormat.utf8("1");
    /** Keys per MGET: bounded, so one sweep cannot hold Redis for long. */
    private static final int CHUNK = 500;

    private final RedisConnections redis;

    public RedisLiveCalls(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public void markLive(Collection<Call> calls, Duration ttl) {
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least a millisecond");
        }
        if (calls.isEmpty()) {
            return;
        }
        RedisFailures.guard("mark live calls", () -> {
            RedisAsyncCommands<String, byte[]> async = redis.asyncCommands();
            List<Future<String>> replies = new ArrayList<>(calls.size());
            SetArgs px = SetArgs.Builder.px(ttl.toMillis());
            for (Call call : calls) {
                replies.add(async.set(RedisKeys.liveCall(call.businessId(), call.callSid()), LIVE, px));
            }
            for (Future<String> reply : replies) {
                get(reply);
            }
            return null;
        });
    }

    @Override
    public Set<Call> live(Collection<Call> calls) {
        List<Call> all = List.copyOf(calls);
        Set<Call> live = new LinkedHashSet<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<Call> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            String[] keys = chunk.stream().map(c -> RedisKeys.liveCall(c.businessId(), c.callSid())).toArray(String[]::new);
            List<KeyValue<String, byte[]>> values = RedisFailures.guard("read live calls",
                    () -> redis.commands().mget(keys));
            for (int i = 0; i < chunk.size(); i++) {
                if (values.get(i).hasValue()) {
                    live.add(chunk.get(i));
                }
            }
        }
        return live;
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get(RedisConnections.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.lettuce.core.RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new io.lettuce.core.RedisCommandTimeoutException(e.getMessage());
        }
    }
}
