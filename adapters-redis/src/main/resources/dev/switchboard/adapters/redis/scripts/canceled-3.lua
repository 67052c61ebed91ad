--[[
  canceled: the lease holder stopped a job whose cancel was requested.

  KEYS[1] rq:job:<id>        HASH
  KEYS[2] rq:wip:<q>         ZSET started registry
  KEYS[3] rq:canceled:<q>    ZSET canceled registry, score = when canceled (unix seconds)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, unix seconds
  ARGV[4] now, python-rq timestamp text

  Returns 1 applied, -1 lease lost
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
redis.call('HSET', KEYS[1], 'status', 'canceled', 'ended_at', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'failure_ttl') or '604800'))
return 1
