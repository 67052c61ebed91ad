--[[
  releaseLease: compare-and-delete, on a clean stop. Deletes the lease only while the caller
  still holds it, so a process that lost its lease cannot delete its successor's.

  KEYS[1] the lease, e.g. scheduler:global_lock    STRING holding the owner id, with a TTL

  ARGV[1] the caller's owner id

  Returns 1 released: the lease is free for the next acquirer
          0 not the caller's; nothing changed
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
