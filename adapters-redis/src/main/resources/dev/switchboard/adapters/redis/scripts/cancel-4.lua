--[[
  cancel: an operator or app cancels a job within its business. A queued or scheduled job is
  removed and marked canceled; a running one gets a cancel request its worker acts on.

  KEYS[1] rq:job:<id>          HASH
  KEYS[2] rq:queue:<q>         LIST (q = the job's origin)
  KEYS[3] rq:scheduled:<q>     ZSET
  KEYS[4] rq:canceled:<q>      ZSET, score = when canceled

  ARGV[1] job id
  ARGV[2] business id the caller is limited to, '' for all (admin)
  ARGV[3] now, unix seconds
  ARGV[4] now, python-rq timestamp text

  Returns 1 canceled, 2 cancel requested (running), 3 already done, 0 not found
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'business_id') ~= ARGV[2] then
  return 0
end
local status = redis.call('HGET', KEYS[1], 'status')
local function mark_canceled()
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'ended_at', ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'failure_ttl') or '604800'))
end
if status == 'queued' then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  mark_canceled()
  return 1
elseif status == 'scheduled' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  mark_canceled()
  return 1
elseif status == 'started' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1')
  return 2
end
return 3
