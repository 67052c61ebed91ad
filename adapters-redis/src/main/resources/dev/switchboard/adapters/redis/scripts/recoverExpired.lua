--[[
  recoverExpired: requeue jobs whose lease expired (their worker died or stalled), at the front
  of their queue. A job whose lease expired too often is failed instead: it keeps killing its
  workers. A job whose cancel was requested is canceled. Safe with many callers: each expired
  entry is taken out of the started registry by exactly one call.

  KEYS, five per queue:
    KEYS[5i-4] rq:wip:<q>            ZSET started registry, score = lease deadline
    KEYS[5i-3] rq:queue:<q>          LIST of waiting job ids
    KEYS[5i-2] switchboard:wake:<q>  LIST of wake-up tokens
    KEYS[5i-1] rq:failed:<q>         ZSET failed registry
    KEYS[5i]   rq:canceled:<q>       ZSET canceled registry

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, unix seconds
  ARGV[3] now, python-rq timestamp text
  ARGV[4] lease expiries after which a job is failed
  ARGV[5] most wake tokens to keep per queue
  ARGV[6] exc_info for such a failure (zlib of the text)
  ARGV[7] most entries to recover per queue and call

  Returns {recovered, failed, canceled}
]]
local now = tonumber(ARGV[2])
local recovered, failed, canceled = 0, 0, 0
for i = 1, #KEYS / 5 do
  local wip, queue, wake, failedKey, canceledKey = KEYS[5*i-4], KEYS[5*i-3], KEYS[5*i-2], KEYS[5*i-1], KEYS[5*i]
  local ids = redis.call('ZRANGEBYSCORE', wip, '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))
  for _, id in ipairs(ids) do
    redis.call('ZREM', wip, id)
    local job = ARGV[1] .. id
    if redis.call('EXISTS', job) == 1 then
      redis.call('HDEL', job, 'lease_token')
      local expiries = redis.call('HINCRBY', job, 'lease_expiries', 1)
      local ttl = tonumber(redis.call('HGET', job, 'failure_ttl') or '604800')
      if redis.call('HGET', job, 'cancel_requested') == '1' then
        redis.call('HSET', job, 'status', 'canceled', 'ended_at', ARGV[3])
        redis.call('ZADD', canceledKey, now, id)
        redis.call('EXPIRE', job, ttl)
        canceled = canceled + 1
      elseif expiries >= tonumber(ARGV[4]) then
        redis.call('HSET', job, 'status', 'failed', 'ended_at', ARGV[3], 'exc_info', ARGV[6])
        redis.call('ZADD', failedKey, now + ttl, id)
        redis.call('EXPIRE', job, ttl)
        failed = failed + 1
      else
        redis.call('HSET', job, 'status', 'queued', 'enqueued_at', ARGV[3], 'worker_name', '')
        redis.call('LPUSH', queue, id)
        if redis.call('LLEN', wake) < tonumber(ARGV[5]) then
          redis.call('RPUSH', wake, '1')
        end
        recovered = recovered + 1
      end
    end
  end
end
return {recovered, failed, canceled}
