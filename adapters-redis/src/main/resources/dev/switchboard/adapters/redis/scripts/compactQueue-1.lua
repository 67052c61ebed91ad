--[[
  compactQueue: removes from a queue list the ids whose job hash no longer exists (deleted by
  purgeBusiness, or expired), keeping the order of the rest. O(length of the list), in one call:
  for operators' and benchmarks' cleanups, not for the hot path (claims drop such ids one by one).

  KEYS[1] rq:queue:<q>   LIST of waiting job ids

  ARGV[1] job key prefix (rq:job:)

  Returns the number of ids removed
]]
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local keep = {}
for _, id in ipairs(ids) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then
    keep[#keep + 1] = id
  end
end
local removed = #ids - #keep
if removed > 0 then
  redis.call('DEL', KEYS[1])
  for from = 1, #keep, 5000 do
    redis.call('RPUSH', KEYS[1], unpack(keep, from, math.min(#keep, from + 4999)))
  end
end
return removed
