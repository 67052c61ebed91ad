-- include common
--[[
  requeue: put a failed or canceled job back on its queue, with its retry budget renewed, no
  lease, no progress, and no expiry.

  KEYS[1] rq:job:<id>           HASH
  KEYS[2] rq:failed:<q>         ZSET
  KEYS[3] rq:canceled:<q>       ZSET
  KEYS[4] rq:queue:<q>          LIST
  KEYS[5] switchboard:wake:<q>  LIST of wake-up tokens

  ARGV[1] job id
  ARGV[2] business id the caller is limited to, '' for all (admin)
  ARGV[3] now, python-rq timestamp text
  ARGV[4] most wake tokens to keep per queue

  Returns 1 requeued, 2 not failed or canceled (unchanged), 0 not found
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'business_id') ~= ARGV[2] then
  return 0
end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'failed' and status ~= 'canceled' then
  return 2
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('PERSIST', KEYS[1])
redis.call('HDEL', KEYS[1], 'cancel_requested', 'lease_expiries', 'exc_info')
redis.call('HSET', KEYS[1], 'ended_at', '', 'retries_left', redis.call('HGET', KEYS[1], 'retry_max') or '0')
requeue(KEYS[1], ARGV[1], KEYS[4], KEYS[5], false, ARGV[3], tonumber(ARGV[4]), now_seconds(), status)
return 1
