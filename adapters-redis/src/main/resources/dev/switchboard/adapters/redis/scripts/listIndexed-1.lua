--[[
  listIndexed: one page of a business's jobs in one queue and state, from the per-business index
  (switchboard:jobs:<business>:<q>:<state>), oldest first. Costs O(log n + page): the registry of
  every business is not read. Entries whose job expired (finished, failed, canceled) are dropped
  first, so the total counts live jobs.

  KEYS[1] switchboard:jobs:<business>:<q>:<state>   ZSET

  ARGV[1] drop entries scored below Redis's now minus this many seconds ('' to drop none): 0 for
          finished and failed (scores are expiries), the canceled retention for canceled (scores
          are cancel times)
  ARGV[2] offset
  ARGV[3] limit

  Returns {total, id, id, ...}
]]
if ARGV[1] ~= '' then
  local t = redis.call('TIME')
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(t[1]) - tonumber(ARGV[1])))
end
local out = {redis.call('ZCARD', KEYS[1])}
local offset, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
if limit > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], offset, offset + limit - 1)) do
    out[#out + 1] = id
  end
end
return out
