--[[
  recordTick: the scheduler's leader records the tick it completed, only while it still holds
  the lease, so a deposed leader cannot move the record the new leader resumes from.

  KEYS[1] scheduler:global_lock   STRING holding the lease owner id, with a TTL
  KEYS[2] scheduler:last_tick     STRING, the last completed tick (ISO-8601 instant, UTC)

  ARGV[1] the caller's owner id
  ARGV[2] the tick, ISO-8601 instant text from the caller's clock (scripts never call TIME)

  Returns 1 recorded
          0 not the lease owner; nothing changed
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
