--[[
  renewLease: compare-and-renew. Extends the lease only while the caller still holds it; a
  caller whose lease expired and was taken by another owner changes nothing.

  KEYS[1] the lease, e.g. scheduler:global_lock    STRING holding the owner id, with a TTL

  ARGV[1] the caller's owner id
  ARGV[2] lease TTL, milliseconds

  Returns 1 renewed: the lease expires ARGV[2] ms from now
          0 not the caller's (expired, released or held by another owner); nothing changed
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
