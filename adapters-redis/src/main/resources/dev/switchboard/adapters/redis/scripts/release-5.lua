--[[
  release: the lease holder gives a job back without running it to the end (graceful shutdown).
  The job goes to the FRONT of its queue and the attempt does not count; a job whose cancel was
  requested is canceled instead.

  KEYS[1] rq:job:<id>           HASH
  KEYS[2] rq:wip:<q>            ZSET started registry
  KEYS[3] rq:queue:<q>          LIST of waiting job ids
  KEYS[4] switchboard:wake:<q>  LIST of wake-up tokens
  KEYS[5] rq:canceled:<q>       ZSET canceled registry

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text
  ARGV[4] most wake tokens to keep per queue
  ARGV[5] now, unix seconds

  Returns 1 released, 2 canceled instead (a cancel was requested), -1 lease lost
]]
if redis.call('HGET', KEYS[1], 'lease_token') ~= ARGV[2] then
  return -1
end
-- Also in the started registry: python-rq's own cleanup (`rq info`) may have moved an expired entry
-- out without touching our token; such a job is no longer ours either.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return -1
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_token')
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'ended_at', ARGV[3])
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'failure_ttl') or '604800'))
  return 2
end
redis.call('HSET', KEYS[1], 'status', 'queued', 'enqueued_at', ARGV[3], 'worker_name', '',
  'started_at', '')
redis.call('LPUSH', KEYS[3], ARGV[1])
if redis.call('LLEN', KEYS[4]) < tonumber(ARGV[4]) then
  redis.call('RPUSH', KEYS[4], '1')
end
return 1
