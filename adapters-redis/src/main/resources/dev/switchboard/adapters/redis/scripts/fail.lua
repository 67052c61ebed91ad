-- include common
--[[
  fail: the lease holder's attempt failed. Retries per the job's policy (python-rq's rule:
  interval = retry_intervals[max(len - retries_left, 0)]), waiting at least the handler's asked
  delay; a permanent failure, or one with no retries left, lands in the failed registry with its
  error. Like complete.lua, claims the next job for the freed slot in the same call (a repeat of
  the call returns the same next job).

  KEYS[1]  rq:job:<id>                  HASH
  KEYS[2]  rq:wip:<q>                   ZSET started registry
  KEYS[3]  rq:failed:<q>                ZSET failed registry, score = expiry
  KEYS[4]  rq:scheduled:<q>             ZSET scheduled registry, score = when due
  KEYS[5]  rq:results:<id>              STREAM of results
  KEYS[6]  rq:queue:<q>                 LIST of waiting job ids
  KEYS[7]  switchboard:wake:<q>         LIST of wake-up tokens
  KEYS[8]  rq:canceled:<q>              ZSET canceled registry
  KEYS[9]  switchboard:stats:<job name> HASH
  KEYS[10] switchboard:stats:timeline   HASH
  KEYS[11] switchboard:claim:<claim id> STRING batch of the next claim
  KEYS[12..] three per queue for the next claim (none: claim nothing)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text
  ARGV[4] exc_string: base64 of zlib of the error text (results stream format)
  ARGV[5] exc_info: zlib of the error text (job hash format)
  ARGV[6] most wake tokens to keep per queue
  ARGV[7] 'permanent' (no retry, whatever the policy) or 'retry'
  ARGV[8] least delay before a retry, seconds ('0' for the policy's own)
  ARGV[9] attempt duration, milliseconds
  ARGV[10..15] next claim: job key prefix, lease ms, claim id, worker name, most jobs, most stale ids

  Returns {code, next claim...}: code 1 failed for good, 2 retry scheduled, 3 retry queued at
  once, 4 canceled (a cancel was requested: no retry), -1 lease lost.
]]
local job, id = KEYS[1], ARGV[1]
local now = now_seconds()
local f = redis.call('HMGET', job, 'lease_token', 'cancel_requested', 'retries_left', 'retry_intervals', 'next_claim',
  'business_id', 'origin')
local settled = f[1] == ARGV[2] and ARGV[2] ~= '' and redis.call('ZREM', KEYS[2], id) == 1
local reply, next_claim = claim_next(settled, job, KEYS[11], 12, ARGV[10], tonumber(ARGV[11]), ARGV[12], ARGV[13],
  now, ARGV[3], tonumber(ARGV[14]), tonumber(ARGV[15]), f[5])
if not settled then
  table.insert(reply, 1, -1)
  return reply
end
local code
redis.call('HSET', job, 'exc_info', ARGV[5], 'lease_token', '', 'next_claim', next_claim)
record_stats(KEYS[9], KEYS[10], now, tonumber(ARGV[9]), true)
local left = tonumber(f[3] or '0') or 0
if f[2] == '1' then
  mark_canceled(job, id, KEYS[8], now, ARGV[3], 'started')
  code = 4
elseif left > 0 and ARGV[7] ~= 'permanent' then
  local intervals = cjson.decode(f[4] or '[]')
  local index = math.max(#intervals - left, 0)
  local interval = math.max(tonumber(intervals[index + 1] or 0) or 0, tonumber(ARGV[8]) or 0)
  redis.call('HSET', job, 'retries_left', left - 1, 'progress', '0', 'progress_message', '')
  if interval > 0 then
    redis.call('HSET', job, 'status', 'scheduled')
    redis.call('ZADD', KEYS[4], now + interval, id)
    index_move(f[6], f[7], id, 'started', 'scheduled', now + interval, now, 0)
    code = 2
  else
    requeue(job, id, KEYS[6], KEYS[7], false, ARGV[3], tonumber(ARGV[6]), now, 'started')
    code = 3
  end
else
  local ttl = failure_ttl(job)
  redis.call('HSET', job, 'status', 'failed', 'ended_at', ARGV[3])
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', '10', '*', 'type', '2', 'exc_string', ARGV[5])
  local score = retain(job, ttl, now)
  index_move(f[6], f[7], id, 'started', ttl ~= 0 and 'failed' or nil, score, now, ttl)
  retain(KEYS[5], ttl, now)
  if ttl ~= 0 then
    redis.call('ZADD', KEYS[3], score, id)
  end
  code = 1
end
table.insert(reply, 1, code)
return reply
