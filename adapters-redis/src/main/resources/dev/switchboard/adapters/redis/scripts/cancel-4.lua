-- include common
--[[
  cancel: an operator or app cancels a job within its business. A queued or scheduled job is
  marked canceled; a running one gets a cancel request its worker acts on. A queued job's id is
  left in its queue list (removing it would be linear in the queue's length): claims drop ids
  whose job is not queued, so it is never run.

  KEYS[1] rq:job:<id>          HASH
  KEYS[2] rq:queue:<q>         LIST (q = the job's origin; not touched, see above)
  KEYS[3] rq:scheduled:<q>     ZSET
  KEYS[4] rq:canceled:<q>      ZSET, score = when canceled (Redis time)

  ARGV[1] job id
  ARGV[2] business id the caller is limited to, '' for all (admin)
  ARGV[3] now, python-rq timestamp text

  Returns 1 canceled, 2 cancel requested (running), 3 already done, 0 not found
]]
local f = redis.call('HMGET', KEYS[1], 'status', 'business_id', 'data')
if f[1] == false and f[3] == false then
  return 0
end
if ARGV[2] ~= '' and f[2] ~= ARGV[2] then
  return 0
end
local status = f[1]
if status == 'queued' then
  mark_canceled(KEYS[1], ARGV[1], KEYS[4], now_seconds(), ARGV[3], 'queued')
  return 1
elseif status == 'scheduled' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  mark_canceled(KEYS[1], ARGV[1], KEYS[4], now_seconds(), ARGV[3], 'scheduled')
  return 1
elseif status == 'started' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1')
  return 2
end
return 3
