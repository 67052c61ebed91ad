-- include common
--[[
  pruneRegistries: drop registry entries whose time has passed (by Redis's clock), so the
  registries stay as small as the job hashes they point to. Safe with many callers.

  KEYS, three per queue: rq:finished:<q>, rq:failed:<q>, rq:canceled:<q>

  ARGV[1] how long canceled entries are kept, seconds

  Returns the number of entries removed
]]
local now = now_seconds()
local removed = 0
for i = 1, #KEYS / 3 do
  removed = removed + prune_registries(KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i], now, tonumber(ARGV[1]))
end
return removed
