--[[
  heartbeat: the lease holder extends its lease and learns whether a cancel was requested.

  KEYS[1] rq:job:<id>     HASH
  KEYS[2] rq:wip:<q>      ZSET started registry, score = lease deadline (unix seconds)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] new lease deadline, unix seconds
  ARGV[4] now, python-rq timestamp text

  Returns 1 extended, 2 extended and a cancel was requested, -1 lease lost
]]
if redis.call('HGET', KEYS[1], 'lease_token') ~= ARGV[2] then
  return -1
end
-- Also in the started registry: python-rq's own cleanup (`rq info`) may have moved an expired entry
-- out without touching our token; such a job is no longer ours either.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return -1
end
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'last_heartbeat', ARGV[4])
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  return 2
end
return 1
