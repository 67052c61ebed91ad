--[[
  pruneRegistries: drop registry entries whose time has passed, so the registries stay as small
  as the job hashes they point to (those expire on their own TTLs). Safe with many callers.

  KEYS, three per queue:
    KEYS[3i-2] rq:finished:<q>   ZSET, score = expiry
    KEYS[3i-1] rq:failed:<q>     ZSET, score = expiry
    KEYS[3i]   rq:canceled:<q>   ZSET, score = when canceled

  ARGV[1] now, unix seconds
  ARGV[2] how long canceled entries are kept, seconds

  Returns the number of entries removed
]]
local removed = 0
local canceledBefore = tonumber(ARGV[1]) - tonumber(ARGV[2])
for i = 1, #KEYS / 3 do
  removed = removed + redis.call('ZREMRANGEBYSCORE', KEYS[3*i-2], '-inf', ARGV[1])
  removed = removed + redis.call('ZREMRANGEBYSCORE', KEYS[3*i-1], '-inf', ARGV[1])
  removed = removed + redis.call('ZREMRANGEBYSCORE', KEYS[3*i], '-inf', canceledBefore)
end
return removed
