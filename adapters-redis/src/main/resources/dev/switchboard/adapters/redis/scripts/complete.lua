-- include common
--[[
  complete: the lease holder finished the job (python-rq's success path), and in the same call
  claims the next job for the slot it frees (BullMQ's moveToFinished does the same), so a busy
  worker needs one round trip per job.

  KEYS[1] rq:job:<id>                  HASH
  KEYS[2] rq:wip:<q>                   ZSET started registry
  KEYS[3] rq:finished:<q>              ZSET finished registry, score = expiry
  KEYS[4] rq:results:<id>              STREAM of results
  KEYS[5] switchboard:stats:<job name> HASH duration histogram and failed count
  KEYS[6] switchboard:stats:timeline   HASH per-second processed/failed counts
  KEYS[7] switchboard:claim:<claim id> STRING batch of the next claim (see claim.lua)
  KEYS[8..] three per queue for the next claim, as in claim.lua (none: claim nothing)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text
  ARGV[4] return value, base64 of its JSON, or '' for none
  ARGV[5] attempt duration, milliseconds
  ARGV[6..11] next claim: job key prefix, lease ms, claim id, worker name, most jobs, most stale ids

  Returns {code, next claim...}: code 1 applied, -1 lease lost (fencing); then claim.lua's reply.
]]
local code = -1
local job, id = KEYS[1], ARGV[1]
if holds_lease(job, KEYS[2], id, ARGV[2]) then
  code = 1
  local now = now_seconds()
  redis.call('ZREM', KEYS[2], id)
  redis.call('HSET', job, 'status', 'finished', 'ended_at', ARGV[3], 'lease_token', '')
  if ARGV[4] ~= '' then
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1', 'return_value', ARGV[4])
  else
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1')
  end
  local ttl = tonumber(redis.call('HGET', job, 'result_ttl') or '500') or 500
  local score = retain(job, ttl, now)
  retain(KEYS[4], ttl, now)
  if ttl ~= 0 then
    redis.call('ZADD', KEYS[3], score, id)
  end
  record_stats(KEYS[5], KEYS[6], now, tonumber(ARGV[5]), false)
end
local reply = {code}
if #KEYS >= 8 then
  for _, v in ipairs(claim_jobs(KEYS[7], 8, ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[3],
      tonumber(ARGV[10]), tonumber(ARGV[11]))) do
    reply[#reply + 1] = v
  end
end
return reply
