--[[
  recordTick: the scheduler's leader records its progress, the instant up to which every due
  occurrence is enqueued, and extends its lease (compare-and-renew), only while it still holds
  the lease: a deposed leader can move neither the record the next leader resumes from nor the
  lease. Called before each enqueue and at the end of each tick.

  KEYS[1] scheduler:global_lock   STRING holding the lease owner id, with a TTL
  KEYS[2] scheduler:last_tick     STRING, the progress instant (ISO-8601, UTC)

  ARGV[1] the caller's owner id
  ARGV[2] lease TTL, milliseconds
  ARGV[3] the progress instant, ISO-8601 text from the caller's clock (scripts never call TIME)

  Returns 1 recorded and the lease renewed
          0 not the lease owner; nothing changed
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return 1
