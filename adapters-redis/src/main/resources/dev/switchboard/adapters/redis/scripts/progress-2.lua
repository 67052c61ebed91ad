-- include common
--[[
  progress: the lease holder records progress. Only the holder writes it (token and started
  registry both checked), and it never goes down, so a progress bar cannot flicker or run
  backwards.

  KEYS[1] rq:job:<id>   HASH (fields progress, progress_message)
  KEYS[2] rq:wip:<q>    ZSET started registry

  ARGV[1] lease token
  ARGV[2] percent, 0..100 (clamped)
  ARGV[3] message
  ARGV[4] job id

  Returns 1 recorded (a lower percent keeps the higher one), 2 recorded and a cancel was
  requested, -1 lease lost
]]
if not holds_lease(KEYS[1], KEYS[2], ARGV[4], ARGV[1]) then
  return -1
end
local percent = math.max(0, math.min(100, math.floor(tonumber(ARGV[2]) or 0)))
local current = tonumber(redis.call('HGET', KEYS[1], 'progress') or '0') or 0
if percent < current then
  percent = current
end
redis.call('HSET', KEYS[1], 'progress', percent, 'progress_message', ARGV[3])
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  return 2
end
return 1
