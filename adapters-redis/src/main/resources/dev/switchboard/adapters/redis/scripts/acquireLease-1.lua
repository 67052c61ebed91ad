--[[
  acquireLease: take a lease when it is free (SET NX PX), renew it when the caller already holds
  it (compare-and-renew), else report who holds it and for how long. One step, so the holder and
  the TTL reported belong together.

  KEYS[1] the lease, e.g. scheduler:global_lock    STRING holding the owner id, with a TTL

  ARGV[1] the caller's owner id (unique per process start)
  ARGV[2] lease TTL, milliseconds

  Returns {1, owner}          acquired: the lease was free and is now the caller's
          {2, owner}          renewed: the caller held it; it now expires ARGV[2] ms from now
          {0, holder, pttl}   held by another owner; pttl = milliseconds left, -1 when the key
                              has no expiry (set by hand: it would never pass to anyone)
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, ARGV[1]}
end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {2, holder}
end
return {0, holder, redis.call('PTTL', KEYS[1])}
