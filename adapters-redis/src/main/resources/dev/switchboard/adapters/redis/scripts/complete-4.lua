--[[
  complete: the lease holder finished the job. Mirrors python-rq's success path.

  KEYS[1] rq:job:<id>        HASH
  KEYS[2] rq:wip:<q>         ZSET started registry
  KEYS[3] rq:finished:<q>    ZSET finished registry, score = expiry (unix seconds)
  KEYS[4] rq:results:<id>    STREAM of results

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, unix seconds
  ARGV[4] now, python-rq timestamp text
  ARGV[5] return value, base64 of its JSON, or '' for none

  Returns  1 applied
          -1 lease lost: the token is not the job's current one (fencing)
]]
if redis.call('HGET', KEYS[1], 'lease_token') ~= ARGV[2] then
  return -1
end
-- Also in the started registry: python-rq's own cleanup (`rq info`) may have moved an expired entry
-- out without touching our token; such a job is no longer ours either.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return -1
end
local ttl = tonumber(redis.call('HGET', KEYS[1], 'result_ttl') or '500')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_token')
redis.call('HSET', KEYS[1], 'status', 'finished', 'ended_at', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1', 'return_value', ARGV[5])
else
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1')
end
if ttl == 0 then
  redis.call('DEL', KEYS[1], KEYS[4])
elseif ttl < 0 then
  redis.call('ZADD', KEYS[3], '+inf', ARGV[1])
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[4])
else
  redis.call('ZADD', KEYS[3], tonumber(ARGV[3]) + ttl, ARGV[1])
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[4], ttl)
end
return 1
