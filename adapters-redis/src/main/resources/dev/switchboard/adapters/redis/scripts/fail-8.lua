--[[
  fail: the lease holder's attempt failed. Retries per the job's policy (python-rq's rule:
  interval = retry_intervals[max(len - retries_left, 0)]), else the job lands in the failed
  registry with its error.

  KEYS[1] rq:job:<id>           HASH
  KEYS[2] rq:wip:<q>            ZSET started registry
  KEYS[3] rq:failed:<q>         ZSET failed registry, score = expiry (unix seconds)
  KEYS[4] rq:scheduled:<q>      ZSET scheduled registry, score = when due (unix seconds)
  KEYS[5] rq:results:<id>       STREAM of results
  KEYS[6] rq:queue:<q>          LIST of waiting job ids
  KEYS[7] switchboard:wake:<q>  LIST of wake-up tokens
  KEYS[8] rq:canceled:<q>       ZSET canceled registry

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, unix seconds
  ARGV[4] now, python-rq timestamp text
  ARGV[5] exc_string: base64 of zlib of the error text (results stream format)
  ARGV[6] exc_info: zlib of the error text (job hash format)
  ARGV[7] most wake tokens to keep per queue

  Returns  1 failed for good (in the failed registry)
           2 retry scheduled (in the scheduled registry)
           3 retry queued at once (interval 0)
           4 canceled (a cancel was requested: no retry)
          -1 lease lost
]]
if redis.call('HGET', KEYS[1], 'lease_token') ~= ARGV[2] then
  return -1
end
-- Also in the started registry: python-rq's own cleanup (`rq info`) may have moved an expired entry
-- out without touching our token; such a job is no longer ours either.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return -1
end
local now = tonumber(ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_token')
redis.call('HSET', KEYS[1], 'exc_info', ARGV[6])
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'ended_at', ARGV[4])
  redis.call('ZADD', KEYS[8], now, ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'failure_ttl') or '604800'))
  return 4
end
local left = tonumber(redis.call('HGET', KEYS[1], 'retries_left') or '0')
if left > 0 then
  local intervals = cjson.decode(redis.call('HGET', KEYS[1], 'retry_intervals') or '[]')
  local index = math.max(#intervals - left, 0)
  local interval = tonumber(intervals[index + 1] or 0)
  redis.call('HSET', KEYS[1], 'retries_left', left - 1)
  if interval > 0 then
    redis.call('HSET', KEYS[1], 'status', 'scheduled')
    redis.call('ZADD', KEYS[4], now + interval, ARGV[1])
    return 2
  end
  redis.call('HSET', KEYS[1], 'status', 'queued', 'enqueued_at', ARGV[4])
  redis.call('RPUSH', KEYS[6], ARGV[1])
  if redis.call('LLEN', KEYS[7]) < tonumber(ARGV[7]) then
    redis.call('RPUSH', KEYS[7], '1')
  end
  return 3
end
local ttl = tonumber(redis.call('HGET', KEYS[1], 'failure_ttl') or '31536000')
redis.call('HSET', KEYS[1], 'status', 'failed', 'ended_at', ARGV[4])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', '10', '*', 'type', '2', 'exc_string', ARGV[5])
if ttl < 0 then
  redis.call('ZADD', KEYS[3], '+inf', ARGV[1])
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[5])
else
  redis.call('ZADD', KEYS[3], now + ttl, ARGV[1])
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[5], ttl)
end
return 1
