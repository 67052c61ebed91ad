--[[
  workerHeartbeat: a registered worker refreshes its python-rq worker hash (state, current job,
  running totals) and its TTL, in one call.

  KEYS[1] rq:worker:<name>   HASH

  ARGV[1] registration TTL, seconds
  ARGV[2..] field, value pairs

  Returns 1 refreshed, 0 not registered (expired, or Redis restarted): register again
]]
if redis.call('HEXISTS', KEYS[1], 'birth') == 0 then
  return 0
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
